/**
 * The only reader of the environment. Every variable of DESIGN.md's public surface is parsed here once, with one
 * schema; a wrong value stops start with a message naming the variable, what is wrong and an example of a right
 * value. Secret values are never echoed, not even in error messages.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';

/** How ra-watch authenticates to Microsoft Graph. `none`: no tenant configured, the demo tenant is watched. */
export type GraphCredentialConfig =
  | { kind: 'none' }
  | { kind: 'static-token'; token: string }
  | { kind: 'client-secret'; tenantId: string; clientId: string; clientSecret: string; authorityHost?: string }
  | { kind: 'client-certificate'; tenantId: string; clientId: string; certificatePath: string; authorityHost?: string }
  | { kind: 'workload-identity'; tenantId: string; clientId: string; tokenFilePath: string; authorityHost?: string }
  | { kind: 'managed-identity'; clientId?: string };

export type QueueConfig =
  | { kind: 'embedded'; maxDeliveries: number }
  | {
      kind: 'service-bus';
      queueName: string;
      connectionString?: string;
      namespace?: string;
      maxDeliveries: number;
    };

export interface Config {
  port: number;
  host: string;
  /**
   * METRICS_PORT: serve /metrics on this port only, on a listener of its own, and not on PORT. null: /metrics is on
   * PORT with everything else. Container Apps ingress cannot hide one path of a port, so the deployment keeps the
   * metrics (tenant and subscription names) off the public ingress by giving them a port exposed internally only.
   */
  metricsPort: number | null;
  publicBaseUrl: string | null;
  /** Accepted clientState secrets: the first is used for new subscriptions; more than one allows rotation. */
  clientStates: string[];
  apiToken: string | null;
  /** Entra ID access tokens accepted on `/api/*` besides API_TOKEN (API_ENTRA_*); null when not configured. */
  apiEntra: ApiEntraConfig | null;
  /**
   * CONSOLE_ENTRA_CLIENT_ID: the web console offers "Sign in with Microsoft" (authorization code + PKCE) with this
   * single-page app registration, for a token the API accepts (apiEntra); null: the console takes API_TOKEN only.
   */
  consoleEntraClientId: string | null;
  databaseUrl: string;
  queue: QueueConfig;
  graph: {
    baseUrl: string;
    /** The watched tenant (AZURE_TENANT_ID), when one is configured. */
    tenantId: string | null;
    credential: GraphCredentialConfig;
  };
  slackWebhookUrl: string | null;
  /** A Teams Workflows / incoming-webhook URL that receives Adaptive Cards. */
  teamsWebhookUrl: string | null;
  /** A generic JSON webhook for ticketing/PSA tools, signed with HMAC-SHA256 when a secret is set. */
  alertWebhook: { url: string; secret: string | null } | null;
  email: { smtpUrl: string; from: string; to: string[] } | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Events older than this are purged from the event log (default 400 days). */
  eventRetentionDays: number;
  /**
   * APPLICATIONINSIGHTS_CONNECTION_STRING: also export the metrics to Azure Monitor; null: /metrics only. Under a
   * `connectionString` key, which the logger redacts wherever it appears.
   */
  azureMonitor: { connectionString: string } | null;
}

/** Who may call the API with an Entra ID access token: tokens of this tenant, for this API, holding this app role. */
export interface ApiEntraConfig {
  tenantId: string;
  /** Accepted `aud` values: the API app's client id and/or its Application ID URI. */
  audiences: string[];
  role: string;
  /** The sign-in host (AZURE_AUTHORITY_HOST, no trailing slash): the token issuer and the signing keys live there. */
  authorityHost: string;
}

/** Raised for a configuration that cannot start. `problems` has one line per wrong variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

interface VariableSpec {
  schema: z.ZodType;
  /** A right value, shown in the error message. */
  example: string;
  /** Never echo the value. */
  secret?: boolean;
}

const guid = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const httpUrl = (what: string) =>
  z.string().refine((v) => /^https?:\/\//.test(v) && URL.canParse(v), `is not an http(s) URL (${what})`);

const variables = {
  // 0 lets the system choose a free port (tests, side-by-side runs); the chosen one is logged.
  PORT: {
    schema: z.coerce.number().int('is not a whole number').min(0, 'is below 0').max(65535, 'is above 65535'),
    example: 'PORT=3000',
  },
  HOST: { schema: z.string().min(1, 'is empty'), example: 'HOST=0.0.0.0' },
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
    example: 'CLIENT_STATE=<32 random characters, e.g. from `openssl rand -hex 16`> (several, comma-separated, while rotating)',
    secret: true,
  },
  API_TOKEN: {
    schema: z.string().min(16, 'is shorter than 16 characters'),
    example: 'API_TOKEN=<a long random string, e.g. from `openssl rand -hex 24`>',
    secret: true,
  },
  // Entra ID access tokens on /api (src/api/entra-token.ts): the tenant that issues them, the API they are for.
  API_ENTRA_TENANT_ID: {
    schema: z.string().regex(guid, 'is not a GUID (the directory (tenant) ID whose tokens the API accepts)'),
    example: 'API_ENTRA_TENANT_ID=5f1c9a3e-7d2b-4c8e-9a61-3b0d4e2f8c17',
  },
  API_ENTRA_AUDIENCE: {
    schema: z
      .string()
      .transform((v) => v.split(',').map((s) => s.trim()).filter((s) => s.length > 0))
      .refine(
        (list) => list.length > 0 && list.every((a) => guid.test(a) || (URL.canParse(a) && !/\s/.test(a))),
        'is not a comma-separated list of client ids (GUIDs) or Application ID URIs',
      ),
    example: 'API_ENTRA_AUDIENCE=api://ra-watch.contoso.com,3c9f1e27-84b6-4d0a-9f52-1e7a6c0b8d43',
  },
  // An app role's value has no spaces; RaWatch.Admin when unset.
  API_ENTRA_ROLE: {
    schema: z.string().regex(/^[^\s,]{1,120}$/, 'is not an app role value (no spaces or commas)'),
    example: 'API_ENTRA_ROLE=RaWatch.Admin',
  },
  // The console's own app registration (a public client: a "Single-page application" redirect URI, no secret). It
  // asks Entra for a token the API_ENTRA_* settings accept, so it means nothing without them.
  CONSOLE_ENTRA_CLIENT_ID: {
    schema: z.string().regex(guid, 'is not a GUID (the application (client) ID of the console\'s app registration)'),
    example: 'CONSOLE_ENTRA_CLIENT_ID=8a4e2b1c-6d3f-4a7e-9b0c-2e5f7a1d3c96',
  },
  DATABASE_URL: {
    schema: z
      .string()
      .refine((v) => /^sqlite:.+/.test(v) || /^postgres(ql)?:\/\/.+/.test(v), 'is neither sqlite:<path> nor postgres://'),
    example: 'DATABASE_URL=sqlite:./data/ra-watch.db or DATABASE_URL=postgres://user:pass@host:5432/ra_watch',
    secret: true, // a PostgreSQL URL may hold a password
  },
  QUEUE: { schema: z.enum(['embedded', 'service-bus'], 'is neither embedded nor service-bus'), example: 'QUEUE=embedded' },
  QUEUE_MAX_DELIVERIES: {
    schema: z.coerce.number().int('is not a whole number').min(1, 'is below 1').max(1000, 'is above 1000'),
    example: 'QUEUE_MAX_DELIVERIES=10',
  },
  SERVICE_BUS_CONNECTION_STRING: {
    schema: z.string().refine((v) => /Endpoint=sb:\/\//i.test(v), 'has no Endpoint=sb://...'),
    example: 'SERVICE_BUS_CONNECTION_STRING=Endpoint=sb://<namespace>.servicebus.windows.net/;SharedAccessKeyName=...;SharedAccessKey=...',
    secret: true,
  },
  SERVICE_BUS_NAMESPACE: {
    schema: z.string().regex(/^[a-z0-9.-]+$/i, 'is not a host name'),
    example: 'SERVICE_BUS_NAMESPACE=contoso-ra-watch.servicebus.windows.net',
  },
  SERVICE_BUS_QUEUE: { schema: z.string().min(1, 'is empty'), example: 'SERVICE_BUS_QUEUE=ra-watch' },
  GRAPH_BASE_URL: {
    schema: httpUrl('national clouds use https://graph.microsoft.us or https://microsoftgraph.chinacloudapi.cn'),
    example: 'GRAPH_BASE_URL=https://graph.microsoft.com',
  },
  AZURE_AUTHORITY_HOST: { schema: httpUrl('the Entra sign-in host'), example: 'AZURE_AUTHORITY_HOST=https://login.microsoftonline.us' },
  AZURE_TENANT_ID: { schema: z.string().regex(guid, 'is not a GUID'), example: 'AZURE_TENANT_ID=5f1c9a3e-7d2b-4c8e-9a61-3b0d4e2f8c17' },
  AZURE_CLIENT_ID: { schema: z.string().regex(guid, 'is not a GUID'), example: 'AZURE_CLIENT_ID=3c9f1e27-84b6-4d0a-9f52-1e7a6c0b8d43' },
  AZURE_CLIENT_SECRET: { schema: z.string().min(1, 'is empty'), example: 'AZURE_CLIENT_SECRET=<the app registration secret>', secret: true },
  AZURE_CLIENT_CERTIFICATE_PATH: {
    schema: z.string().refine((p) => existsSync(p), 'names a file that does not exist'),
    example: 'AZURE_CLIENT_CERTIFICATE_PATH=/run/secrets/ra-watch.pem',
  },
  AZURE_FEDERATED_TOKEN_FILE: {
    schema: z.string().refine((p) => existsSync(p), 'names a file that does not exist'),
    example: 'AZURE_FEDERATED_TOKEN_FILE=/var/run/secrets/azure/tokens/azure-identity-token',
  },
  GRAPH_ACCESS_TOKEN: { schema: z.string().min(1, 'is empty'), example: 'GRAPH_ACCESS_TOKEN=<a bearer token>', secret: true },
  SLACK_WEBHOOK_URL: {
    schema: httpUrl('a Slack incoming webhook'),
    example: 'SLACK_WEBHOOK_URL=https://hooks.slack.com/services/T000/B000/XXXX',
    secret: true,
  },
  TEAMS_WEBHOOK_URL: {
    schema: httpUrl('a Teams Workflows or incoming-webhook URL'),
    example: 'TEAMS_WEBHOOK_URL=https://prod-00.westus.logic.azure.com:443/workflows/...',
    secret: true,
  },
  ALERT_WEBHOOK_URL: {
    schema: httpUrl('your ticketing or PSA webhook'),
    example: 'ALERT_WEBHOOK_URL=https://psa.contoso.com/hooks/ra-watch',
    secret: true,
  },
  // Signs each generic-webhook body (X-RA-Watch-Signature: sha256=<hex>) so the receiver can tell it is us.
  ALERT_WEBHOOK_SECRET: {
    schema: z.string().min(16, 'is shorter than 16 characters'),
    example: 'ALERT_WEBHOOK_SECRET=<a long random string, e.g. from `openssl rand -hex 24`>',
    secret: true,
  },
  SMTP_URL: {
    schema: z.string().refine((v) => /^smtps?:\/\/.+/.test(v) && URL.canParse(v), 'is not an smtp:// or smtps:// URL'),
    example: 'SMTP_URL=smtps://user:password@smtp.contoso.com:465',
    secret: true,
  },
  ALERT_EMAIL_FROM: { schema: z.email('is not an e-mail address'), example: 'ALERT_EMAIL_FROM=ra-watch@contoso.com' },
  ALERT_EMAIL_TO: {
    schema: z
      .string()
      .transform((v) => v.split(',').map((s) => s.trim()).filter((s) => s.length > 0))
      .refine((list) => list.length > 0 && list.every((a) => z.email().safeParse(a).success), 'is not a comma-separated list of e-mail addresses'),
    example: 'ALERT_EMAIL_TO=teams-admins@contoso.com,noc@contoso.com',
  },
  // Post-incident replay reads the event log; older events are purged once a day.
  EVENT_RETENTION_DAYS: {
    schema: z.coerce.number().int('is not a whole number').min(1, 'is below 1').max(36500, 'is above 36500'),
    example: 'EVENT_RETENTION_DAYS=400',
  },
  // Azure Monitor's standard name. It identifies the Application Insights resource to write to: kept out of logs.
  APPLICATIONINSIGHTS_CONNECTION_STRING: {
    // The exporter refuses (throws at start) a key that is not a lower-case GUID: say so here, with the other problems.
    schema: z
      .string()
      .refine(
        (v) =>
          v.split(';').some((part) => {
            const [key = '', value = ''] = part.split('=');
            return key.trim().toLowerCase() === 'instrumentationkey' && /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/.test(value.trim());
          }),
        'has no InstrumentationKey=<lower-case GUID>',
      ),
    example: 'APPLICATIONINSIGHTS_CONNECTION_STRING=InstrumentationKey=<guid>;IngestionEndpoint=https://<region>.in.applicationinsights.azure.com/',
    secret: true,
  },
  LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'is not a log level'),
    example: 'LOG_LEVEL=info',
  },
} satisfies Record<string, VariableSpec>;

type VariableName = keyof typeof variables;
type Parsed = { [K in VariableName]?: z.output<(typeof variables)[K]['schema']> };

const defaults: Partial<Record<VariableName, string>> = {
  PORT: '3000',
  HOST: '0.0.0.0',
  DATABASE_URL: 'sqlite:./data/ra-watch.db',
  QUEUE: 'embedded',
  QUEUE_MAX_DELIVERIES: '10',
  GRAPH_BASE_URL: 'https://graph.microsoft.com',
  LOG_LEVEL: 'info',
  EVENT_RETENTION_DAYS: '400',
};

/** Every variable ra-watch reads (README's table and .env.example must list each: a test checks). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(variables);

/** Names of the variables whose values must never be printed (for log redaction elsewhere). */
export const SECRET_VARIABLES: readonly string[] = Object.entries(variables as Record<string, VariableSpec>)
  .filter(([, spec]) => spec.secret === true)
  .map(([name]) => name);

function describeValue(name: VariableName, raw: string): string {
  return (variables[name] as VariableSpec).secret === true ? '(value hidden)' : JSON.stringify(raw);
}

/**
 * The process environment with a `.env` file (if there is one in `cwd`) underneath it: a variable set in the real
 * environment wins over the file, as with dotenv.
 */
export function readEnvironment(cwd: string = process.cwd()): Env {
  const file = `${cwd}/.env`;
  const fromFile = existsSync(file) ? parseDotenv(readFileSync(file)) : {};
  return { ...fromFile, ...process.env };
}

/** Parse the environment. Throws `ConfigError` listing every wrong variable at once. */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const parsed: Record<string, unknown> = {};
  for (const name of Object.keys(variables) as VariableName[]) {
    const given = env[name];
    const raw = given === undefined || given.trim() === '' ? defaults[name] : given.trim();
    if (raw === undefined) continue;
    const spec = variables[name] as VariableSpec;
    // CLIENT_STATE may list several secrets (rotation): validate each.
    const values = name === 'CLIENT_STATE' ? raw.split(',').map((s) => s.trim()) : [raw];
    const results = values.map((v) => spec.schema.safeParse(v));
    const failure = results.find((r) => !r.success);
    if (failure && !failure.success) {
      const why = failure.error.issues[0]?.message ?? 'is invalid';
      problems.push(`${name}=${describeValue(name, raw)} ${why}. Example: ${spec.example}`);
      continue;
    }
    parsed[name] = name === 'CLIENT_STATE' ? results.map((r) => r.data) : results[0]?.data;
  }
  const vars = parsed as Parsed & { CLIENT_STATE?: string[] };

  const credential = graphCredential(vars, problems);
  const queue = queueConfig(vars, problems);
  const email = emailConfig(vars, problems);
  const alertWebhook = alertWebhookConfig(vars, problems);
  const apiEntra = apiEntraConfig(vars, env, problems);
  const consoleEntraClientId = consoleEntraConfig(vars, apiEntra, env, problems);
  if (problems.length > 0) throw new ConfigError(problems);

  return Object.freeze({
    port: vars.PORT ?? 3000,
    host: vars.HOST ?? '0.0.0.0',
    metricsPort: vars.METRICS_PORT ?? null,
    publicBaseUrl: vars.PUBLIC_BASE_URL ?? null,
    clientStates: vars.CLIENT_STATE ?? [],
    apiToken: vars.API_TOKEN ?? null,
    apiEntra,
    consoleEntraClientId,
    databaseUrl: vars.DATABASE_URL ?? 'sqlite:./data/ra-watch.db',
    queue,
    graph: Object.freeze({
      baseUrl: (vars.GRAPH_BASE_URL ?? 'https://graph.microsoft.com').replace(/\/+$/, ''),
      tenantId: vars.AZURE_TENANT_ID ?? null,
      credential,
    }),
    slackWebhookUrl: vars.SLACK_WEBHOOK_URL ?? null,
    teamsWebhookUrl: vars.TEAMS_WEBHOOK_URL ?? null,
    alertWebhook,
    email,
    logLevel: vars.LOG_LEVEL ?? 'info',
    eventRetentionDays: vars.EVENT_RETENTION_DAYS ?? 400,
    azureMonitor:
      vars.APPLICATIONINSIGHTS_CONNECTION_STRING === undefined ? null : { connectionString: vars.APPLICATIONINSIGHTS_CONNECTION_STRING },
  });
}

function graphCredential(vars: Parsed, problems: string[]): GraphCredentialConfig {
  const authorityHost = vars.AZURE_AUTHORITY_HOST;
  const withAuthority = authorityHost === undefined ? {} : { authorityHost };
  const ways = [
    vars.GRAPH_ACCESS_TOKEN !== undefined && 'GRAPH_ACCESS_TOKEN',
    vars.AZURE_CLIENT_SECRET !== undefined && 'AZURE_CLIENT_SECRET',
    vars.AZURE_CLIENT_CERTIFICATE_PATH !== undefined && 'AZURE_CLIENT_CERTIFICATE_PATH',
    vars.AZURE_FEDERATED_TOKEN_FILE !== undefined && 'AZURE_FEDERATED_TOKEN_FILE',
  ].filter((w): w is string => w !== false);
  if (ways.length > 1) {
    problems.push(`${ways.join(' and ')} are all set: choose one way to authenticate to Graph and unset the others.`);
    return { kind: 'none' };
  }
  const needsApp = (what: string): { tenantId: string; clientId: string } | null => {
    const missing = (['AZURE_TENANT_ID', 'AZURE_CLIENT_ID'] as const).filter((n) => vars[n] === undefined);
    if (missing.length > 0) {
      problems.push(`${what} is set but ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not. Example: ${variables[missing[0]!].example}`);
      return null;
    }
    return { tenantId: vars.AZURE_TENANT_ID!, clientId: vars.AZURE_CLIENT_ID! };
  };
  if (vars.GRAPH_ACCESS_TOKEN !== undefined) return { kind: 'static-token', token: vars.GRAPH_ACCESS_TOKEN };
  if (vars.AZURE_CLIENT_SECRET !== undefined) {
    const app = needsApp('AZURE_CLIENT_SECRET');
    return app ? { kind: 'client-secret', ...app, clientSecret: vars.AZURE_CLIENT_SECRET, ...withAuthority } : { kind: 'none' };
  }
  if (vars.AZURE_CLIENT_CERTIFICATE_PATH !== undefined) {
    const app = needsApp('AZURE_CLIENT_CERTIFICATE_PATH');
    return app ? { kind: 'client-certificate', ...app, certificatePath: vars.AZURE_CLIENT_CERTIFICATE_PATH, ...withAuthority } : { kind: 'none' };
  }
  if (vars.AZURE_FEDERATED_TOKEN_FILE !== undefined) {
    const app = needsApp('AZURE_FEDERATED_TOKEN_FILE');
    return app ? { kind: 'workload-identity', ...app, tokenFilePath: vars.AZURE_FEDERATED_TOKEN_FILE, ...withAuthority } : { kind: 'none' };
  }
  // A tenant with no secret, certificate or federated token: the managed identity of the host (Azure Container Apps).
  if (vars.AZURE_TENANT_ID !== undefined) {
    return vars.AZURE_CLIENT_ID === undefined ? { kind: 'managed-identity' } : { kind: 'managed-identity', clientId: vars.AZURE_CLIENT_ID };
  }
  return { kind: 'none' };
}

function queueConfig(vars: Parsed, problems: string[]): QueueConfig {
  const maxDeliveries = vars.QUEUE_MAX_DELIVERIES ?? 10;
  if ((vars.QUEUE ?? 'embedded') === 'embedded') return { kind: 'embedded', maxDeliveries };
  if (vars.SERVICE_BUS_CONNECTION_STRING === undefined && vars.SERVICE_BUS_NAMESPACE === undefined) {
    problems.push(
      `QUEUE=service-bus needs SERVICE_BUS_CONNECTION_STRING, or SERVICE_BUS_NAMESPACE with an Azure credential. Example: ${variables.SERVICE_BUS_NAMESPACE.example}`,
    );
  }
  return {
    kind: 'service-bus',
    queueName: vars.SERVICE_BUS_QUEUE ?? 'ra-watch',
    maxDeliveries,
    ...(vars.SERVICE_BUS_CONNECTION_STRING === undefined ? {} : { connectionString: vars.SERVICE_BUS_CONNECTION_STRING }),
    ...(vars.SERVICE_BUS_NAMESPACE === undefined ? {} : { namespace: vars.SERVICE_BUS_NAMESPACE }),
  };
}

function emailConfig(vars: Parsed, problems: string[]): Config['email'] {
  const set = (['SMTP_URL', 'ALERT_EMAIL_FROM', 'ALERT_EMAIL_TO'] as const).filter((n) => vars[n] !== undefined);
  if (set.length === 0) return null;
  if (set.length < 3) {
    const missing = (['SMTP_URL', 'ALERT_EMAIL_FROM', 'ALERT_EMAIL_TO'] as const).filter((n) => vars[n] === undefined);
    problems.push(`e-mail alerts need SMTP_URL, ALERT_EMAIL_FROM and ALERT_EMAIL_TO together; missing ${missing.join(', ')}. Example: ${variables[missing[0]!].example}`);
    return null;
  }
  return { smtpUrl: vars.SMTP_URL!, from: vars.ALERT_EMAIL_FROM!, to: vars.ALERT_EMAIL_TO! };
}

function alertWebhookConfig(vars: Parsed, problems: string[]): Config['alertWebhook'] {
  if (vars.ALERT_WEBHOOK_URL === undefined) {
    if (vars.ALERT_WEBHOOK_SECRET !== undefined) {
      problems.push(`ALERT_WEBHOOK_SECRET is set but ALERT_WEBHOOK_URL is not. Example: ${variables.ALERT_WEBHOOK_URL.example}`);
    }
    return null;
  }
  return { url: vars.ALERT_WEBHOOK_URL, secret: vars.ALERT_WEBHOOK_SECRET ?? null };
}

const API_ENTRA_NAMES = ['API_ENTRA_TENANT_ID', 'API_ENTRA_AUDIENCE', 'API_ENTRA_ROLE'] as const;

/**
 * Whether a variable was given at all. One given with a wrong value is reported by its own schema already; "missing"
 * is only for one not given.
 */
function given(env: Env, name: string): boolean {
  return (env[name] ?? '').trim() !== '';
}

function apiEntraConfig(vars: Parsed, env: Env, problems: string[]): ApiEntraConfig | null {
  if (!API_ENTRA_NAMES.some((n) => given(env, n))) return null;
  const missing = (['API_ENTRA_TENANT_ID', 'API_ENTRA_AUDIENCE'] as const).filter((n) => !given(env, n));
  if (missing.length > 0) {
    const set = API_ENTRA_NAMES.filter((n) => given(env, n));
    problems.push(
      `Entra ID tokens on /api need API_ENTRA_TENANT_ID and API_ENTRA_AUDIENCE together; ${set.join(' and ')} ${set.length > 1 ? 'are' : 'is'} set but ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not. Example: ${variables[missing[0]!].example}`,
    );
    return null;
  }
  if (vars.API_ENTRA_TENANT_ID === undefined || vars.API_ENTRA_AUDIENCE === undefined) return null;
  return {
    tenantId: vars.API_ENTRA_TENANT_ID,
    audiences: vars.API_ENTRA_AUDIENCE,
    role: vars.API_ENTRA_ROLE ?? 'RaWatch.Admin',
    authorityHost: (vars.AZURE_AUTHORITY_HOST ?? 'https://login.microsoftonline.com').replace(/\/+$/, ''),
  };
}

function consoleEntraConfig(vars: Parsed, apiEntra: ApiEntraConfig | null, env: Env, problems: string[]): string | null {
  if (vars.CONSOLE_ENTRA_CLIENT_ID === undefined) return null;
  // Half-set API_ENTRA_* is reported on its own already; say nothing more then.
  if (apiEntra === null && !API_ENTRA_NAMES.some((n) => given(env, n))) {
    problems.push(
      `CONSOLE_ENTRA_CLIENT_ID is set but API_ENTRA_TENANT_ID and API_ENTRA_AUDIENCE are not: the console's Microsoft sign-in gets a token for the API, so the API must accept Entra ID tokens first. Example: ${variables.API_ENTRA_TENANT_ID.example}`,
    );
  }
  return apiEntra === null ? null : vars.CONSOLE_ENTRA_CLIENT_ID;
}
