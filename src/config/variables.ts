/**
 * Every environment variable ra-watch reads, each with its schema, an example of a right value, its one default (when
 * it has one) and whether its value is a secret. The loader (load-config.ts) parses each with its schema; the
 * cross-checks (cross-checks.ts) judge the ones that only make sense together. README's table and .env.example
 * list each (a test checks).
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { guidSchema, isGuid } from '../guid';
import { alertVariables } from './alert-variables';
import { durationListSchema } from './duration-list';
import { commaList, httpUrl, isLowerCaseGuid, secureUrl, type VariableSpec } from './variable-schemas';

export type { VariableSpec } from './variable-schemas';

export const variables = {
  // 0 lets the system choose a free port (tests, side-by-side runs); the chosen one is logged.
  PORT: {
    schema: z.coerce.number().int('is not a whole number').min(0, 'is below 0').max(65535, 'is above 65535'),
    example: 'PORT=3000',
    default: '3000',
  },
  HOST: { schema: z.string().min(1, 'is empty'), example: 'HOST=0.0.0.0', default: '0.0.0.0' },
  METRICS_PORT: {
    schema: z.coerce.number().int('is not a whole number').min(0, 'is below 0').max(65535, 'is above 65535'),
    example: 'METRICS_PORT=9464',
  },
  PUBLIC_BASE_URL: {
    schema: z
      .string()
      .refine((v) => URL.canParse(v) && /^https?:\/\//.test(v), 'is not an http(s) URL')
      .refine((v) => !v.endsWith('/'), 'must not end with a slash'),
    example: 'PUBLIC_BASE_URL=https://ra-watch.contoso.com',
  },
  // Graph echoes clientState in every notification; its limit for subscriptions is 128 characters.
  CLIENT_STATE: {
    schema: z
      .string()
      .min(16, 'is shorter than 16 characters (too easy to guess)')
      .max(128, 'is longer than 128 characters (Graph refuses it)'),
    example:
      'CLIENT_STATE=<32 random characters, e.g. from `openssl rand -hex 16`> (several, comma-separated, while rotating)',
    secret: true,
  },
  // A bearer token for /metrics (its series name tenants and subscriptions); unset: /metrics is open (keep it internal).
  METRICS_TOKEN: {
    schema: z.string().min(16, 'is shorter than 16 characters'),
    example: 'METRICS_TOKEN=<a long random string, e.g. from `openssl rand -hex 24`>',
    secret: true,
  },
  API_TOKEN: {
    schema: z.string().min(16, 'is shorter than 16 characters'),
    example: 'API_TOKEN=<a long random string, e.g. from `openssl rand -hex 24`>',
    secret: true,
  },
  // Entra ID access tokens on /api (src/api/entra-token.ts): the tenant that issues them, the API they are for.
  API_ENTRA_TENANT_ID: {
    schema: guidSchema('is not a GUID (the directory (tenant) ID whose tokens the API accepts)'),
    example: 'API_ENTRA_TENANT_ID=5f1c9a3e-7d2b-4c8e-9a61-3b0d4e2f8c17',
  },
  API_ENTRA_AUDIENCE: {
    schema: commaList.refine(
      (list) => list.length > 0 && list.every((a) => isGuid(a) || (URL.canParse(a) && !/\s/.test(a))),
      'is not a comma-separated list of client ids (GUIDs) or Application ID URIs',
    ),
    example: 'API_ENTRA_AUDIENCE=api://ra-watch.contoso.com,3c9f1e27-84b6-4d0a-9f52-1e7a6c0b8d43',
  },
  // An app role's value has no spaces; RaWatch.Admin when unset.
  API_ENTRA_ROLE: {
    schema: z.string().regex(/^[^\s,]{1,120}$/, 'is not an app role value (no spaces or commas)'),
    example: 'API_ENTRA_ROLE=RaWatch.Admin',
    default: 'RaWatch.Admin',
  },
  // A token holding this app role (and not API_ENTRA_ROLE) may read the API (GET) but not change anything.
  API_ENTRA_READER_ROLE: {
    schema: z.string().regex(/^[^\s,]{1,120}$/, 'is not an app role value (no spaces or commas)'),
    example: 'API_ENTRA_READER_ROLE=RaWatch.Reader',
    default: 'RaWatch.Reader',
  },
  // The console's own app registration (a public client: a "Single-page application" redirect URI, no secret). It
  // asks Entra for a token the API_ENTRA_* settings accept, so it means nothing without them.
  CONSOLE_ENTRA_CLIENT_ID: {
    schema: guidSchema("is not a GUID (the application (client) ID of the console's app registration)"),
    example: 'CONSOLE_ENTRA_CLIENT_ID=8a4e2b1c-6d3f-4a7e-9b0c-2e5f7a1d3c96',
  },
  DATABASE_URL: {
    schema: z
      .string()
      .refine(
        (v) => /^sqlite:.+/.test(v) || /^postgres(ql)?:\/\/.+/.test(v),
        'is neither sqlite:<path> nor postgres://',
      ),
    example: 'DATABASE_URL=sqlite:./data/ra-watch.db or DATABASE_URL=postgres://user:pass@host:5432/ra_watch',
    default: 'sqlite:./data/ra-watch.db',
    secret: true, // a PostgreSQL URL may hold a password
  },
  QUEUE: {
    schema: z.enum(['embedded', 'service-bus'], 'is neither embedded nor service-bus'),
    example: 'QUEUE=embedded',
    default: 'embedded',
  },
  QUEUE_MAX_DELIVERIES: {
    schema: z.coerce.number().int('is not a whole number').min(1, 'is below 1').max(1000, 'is above 1000'),
    example: 'QUEUE_MAX_DELIVERIES=10',
    default: '10',
  },
  SERVICE_BUS_CONNECTION_STRING: {
    schema: z.string().refine((v) => /Endpoint=sb:\/\//i.test(v), 'has no Endpoint=sb://...'),
    example:
      'SERVICE_BUS_CONNECTION_STRING=Endpoint=sb://<namespace>.servicebus.windows.net/;SharedAccessKeyName=...;SharedAccessKey=...',
    secret: true,
  },
  SERVICE_BUS_NAMESPACE: {
    schema: z.string().regex(/^[a-z0-9.-]+$/i, 'is not a host name'),
    example: 'SERVICE_BUS_NAMESPACE=contoso-ra-watch.servicebus.windows.net',
  },
  SERVICE_BUS_QUEUE: {
    schema: z.string().min(1, 'is empty'),
    example: 'SERVICE_BUS_QUEUE=ra-watch',
    default: 'ra-watch',
  },
  GRAPH_BASE_URL: {
    schema: httpUrl(
      'national clouds use https://graph.microsoft.us or https://microsoftgraph.chinacloudapi.cn',
    ),
    example: 'GRAPH_BASE_URL=https://graph.microsoft.com',
    default: 'https://graph.microsoft.com',
  },
  AZURE_AUTHORITY_HOST: {
    schema: secureUrl('the Entra sign-in host'),
    example: 'AZURE_AUTHORITY_HOST=https://login.microsoftonline.us',
  },
  AZURE_TENANT_ID: {
    schema: guidSchema('is not a GUID'),
    example: 'AZURE_TENANT_ID=5f1c9a3e-7d2b-4c8e-9a61-3b0d4e2f8c17',
  },
  AZURE_CLIENT_ID: {
    schema: guidSchema('is not a GUID'),
    example: 'AZURE_CLIENT_ID=3c9f1e27-84b6-4d0a-9f52-1e7a6c0b8d43',
  },
  AZURE_CLIENT_SECRET: {
    schema: z.string().min(1, 'is empty'),
    example: 'AZURE_CLIENT_SECRET=<the app registration secret>',
    secret: true,
  },
  AZURE_CLIENT_CERTIFICATE_PATH: {
    schema: z.string().refine((p) => existsSync(p), 'names a file that does not exist'),
    example: 'AZURE_CLIENT_CERTIFICATE_PATH=/run/secrets/ra-watch.pem',
  },
  AZURE_FEDERATED_TOKEN_FILE: {
    schema: z.string().refine((p) => existsSync(p), 'names a file that does not exist'),
    example: 'AZURE_FEDERATED_TOKEN_FILE=/var/run/secrets/azure/tokens/azure-identity-token',
  },
  // The host's managed identity signs the multi-tenant app in (a federated identity credential of the app): `system`
  // for the system-assigned identity, or a user-assigned identity's client id. AZURE_CLIENT_ID is the app's.
  AZURE_MANAGED_IDENTITY_FEDERATION: {
    schema: z
      .string()
      .refine(
        (v) => v === 'system' || isGuid(v),
        'is neither system nor a GUID (the client id of a user-assigned managed identity)',
      ),
    example: 'AZURE_MANAGED_IDENTITY_FEDERATION=system',
  },
  GRAPH_ACCESS_TOKEN: {
    schema: z.string().min(1, 'is empty'),
    example: 'GRAPH_ACCESS_TOKEN=<a bearer token>',
    secret: true,
  },
  // The alert channels configured by environment (the default route): alert-variables.ts.
  ...alertVariables,
  // Post-incident replay reads the event log; older events are purged once a day.
  EVENT_RETENTION_DAYS: {
    schema: z.coerce.number().int('is not a whole number').min(1, 'is below 1').max(36500, 'is above 36500'),
    example: 'EVENT_RETENTION_DAYS=400',
    default: '400',
  },
  // When the swap follow-up reads the directory audit log, counted from the read that saw Standard go. Entra's audit
  // records are p95 2 min, p99 5 min late (reports FAQ): every 30 s until 5 min, then backing off to the
  // stragglers; the reads stop as soon as the records explain the change.
  SWAP_AUDIT_SCHEDULE: {
    schema: durationListSchema(24 * 3_600_000),
    example:
      'SWAP_AUDIT_SCHEDULE=30s,1m,90s,2m,150s,3m,210s,4m,270s,5m,6m,7m,8m,10m,12m,15m,20m,25m,30m,40m,50m',
    default: '30s,1m,90s,2m,150s,3m,210s,4m,270s,5m,6m,7m,8m,10m,12m,15m,20m,25m,30m,40m,50m',
  },
  // Group-based licensing is applied in the background after the membership change: the named members are read
  // again at these times after the group notification, besides at once.
  GROUP_LICENSE_RECHECK_SCHEDULE: {
    schema: durationListSchema(24 * 3_600_000),
    example: 'GROUP_LICENSE_RECHECK_SCHEDULE=1m,5m,15m',
    default: '1m,5m,15m',
  },
  // Azure Monitor's standard name. It identifies the Application Insights resource to write to: kept out of logs.
  APPLICATIONINSIGHTS_CONNECTION_STRING: {
    // The exporter refuses (throws at start) a key that is not a lower-case GUID: say so here, with the other problems.
    schema: z.string().refine(
      (v) =>
        v.split(';').some((part) => {
          const [key = '', value = ''] = part.split('=');
          return key.trim().toLowerCase() === 'instrumentationkey' && isLowerCaseGuid(value.trim());
        }),
      'has no InstrumentationKey=<lower-case GUID>',
    ),
    example:
      'APPLICATIONINSIGHTS_CONNECTION_STRING=InstrumentationKey=<guid>;IngestionEndpoint=https://<region>.in.applicationinsights.azure.com/',
    secret: true,
  },
  // Teams' list of resource accounts is read this often (issue 17 item 2); 0 turns the schedule off (the baseline
  // audit and a `missed` lifecycle event still read it).
  RESOURCE_ACCOUNT_SWEEP_MINUTES: {
    schema: z.coerce
      .number()
      .int('is not a whole number')
      .min(0, 'is below 0')
      .max(10080, 'is above 10080 (a week)'),
    example: 'RESOURCE_ACCOUNT_SWEEP_MINUTES=60',
    default: '60',
  },
  // Teams Rooms SKUs carry the MCOEV plan, but Microsoft's allocation counts Teams Phone Standard, Teams Phone with
  // Calling Plan and Teams Shared Devices only (DOMAIN.md §7): Rooms count toward the free allocation only when set.
  ALLOCATION_COUNT_TEAMS_ROOMS: {
    schema: z.enum(['true', 'false'], 'is not true or false').transform((v) => v === 'true'),
    example: 'ALLOCATION_COUNT_TEAMS_ROOMS=false',
    default: 'false',
  },
  LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'is not a log level'),
    example: 'LOG_LEVEL=info',
    default: 'info',
  },
  // No default on purpose: unset, logs are pretty on a terminal and JSON lines anywhere else (src/logger.ts).
  LOG_FORMAT: {
    schema: z.enum(['json', 'pretty'], 'is neither json nor pretty'),
    example: 'LOG_FORMAT=json',
  },
} satisfies Record<string, VariableSpec>;

export type VariableName = keyof typeof variables;
type Output<K extends VariableName> = z.output<(typeof variables)[K]['schema']>;
type Defaulted = {
  [K in VariableName]: (typeof variables)[K] extends { default: string } ? K : never;
}[VariableName];

/**
 * The parsed variables: one with a default is there unless its value failed its schema (then the load fails
 * anyway, so only a check that decides between paths must allow for it); any other only when given. CLIENT_STATE lists every
 * accepted secret (rotation). AZURE_AUTHORITY_HOST has no default here on purpose: unset, the credential library
 * picks the public cloud itself, and only the Entra token check names it (cross-checks.ts).
 */
export type ParsedVariables = { [K in Defaulted]: Output<K> } & {
  [K in Exclude<VariableName, Defaulted | 'CLIENT_STATE'>]?: Output<K>;
} & { CLIENT_STATE?: string[] };

/** Every variable ra-watch reads (README's table and .env.example must list each: a test checks). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(variables);

/** Names of the variables whose values must never be printed (for log redaction elsewhere). */
export const SECRET_VARIABLES: readonly string[] = Object.entries(variables as Record<string, VariableSpec>)
  .filter(([, spec]) => spec.secret === true)
  .map(([name]) => name);

export function variableSpec(name: VariableName): VariableSpec {
  return variables[name];
}
