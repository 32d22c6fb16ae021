/**
 * The configuration ra-watch runs with, as the loader (load-config.ts) returns it: typed, defaults applied,
 * cross-checked, frozen. Components take the part they need; none reads the environment.
 */

/** How ra-watch authenticates to Microsoft Graph. `none`: no tenant configured, the demo tenant is watched. */
export type GraphCredentialConfig =
  | { kind: 'none' }
  | { kind: 'static-token'; token: string }
  | {
      kind: 'client-secret';
      tenantId: string;
      clientId: string;
      clientSecret: string;
      authorityHost?: string;
    }
  | {
      kind: 'client-certificate';
      tenantId: string;
      clientId: string;
      certificatePath: string;
      authorityHost?: string;
    }
  | {
      kind: 'workload-identity';
      tenantId: string;
      clientId: string;
      tokenFilePath: string;
      authorityHost?: string;
    }
  | { kind: 'managed-identity'; clientId?: string }
  /**
   * The host's managed identity as a federated identity credential of the multi-tenant app (issue 19): no secret to
   * rotate, and unlike a managed identity alone it can get tokens in customer tenants. `managedIdentityClientId`:
   * a user-assigned identity's client id, or null for the system-assigned one.
   */
  | {
      kind: 'managed-identity-federated';
      tenantId: string;
      clientId: string;
      managedIdentityClientId: string | null;
      authorityHost?: string;
    };

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
  /** METRICS_TOKEN: /metrics (on PORT or METRICS_PORT) asks for this bearer token; null: /metrics is open. */
  metricsToken: string | null;
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
  /**
   * A generic JSON webhook for ticketing/PSA tools, signed (Standard Webhooks) when a secret is set; one event per
   * alert unless `digests` (ALERT_WEBHOOK_DIGESTS).
   */
  alertWebhook: { url: string; secret: string | null; digests: boolean } | null;
  email: { smtpUrl: string; from: string; to: string[] } | null;
  /** CHANNEL_SECRETS_KEY: the keys stored channels' secrets are sealed with (first seals, all open); empty: none. */
  channelSecretsKeys: readonly Buffer[];
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** LOG_FORMAT; null: pretty when the log's destination is a terminal, JSON lines otherwise. */
  logFormat: 'json' | 'pretty' | null;
  /** Events older than this are purged from the event log (default 400 days). */
  eventRetentionDays: number;
  /** SWAP_AUDIT_SCHEDULE: when the swap follow-up reads the audit log, ms after the change was seen (rising). */
  swapAuditScheduleMs: readonly number[];
  /** GROUP_LICENSE_RECHECK_SCHEDULE: when a group's named members are read again, ms after the notification. */
  groupLicenseRecheckMs: readonly number[];
  /** RESOURCE_ACCOUNT_SWEEP_MINUTES in ms: how often Teams' list of resource accounts is read; 0: not scheduled. */
  resourceAccountSweepMs: number;
  /** ALLOCATION_COUNT_TEAMS_ROOMS: Teams Rooms SKUs count toward the free resource-account allocation. */
  allocationCountsTeamsRooms: boolean;
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
  /** The app role that may do everything (API_ENTRA_ROLE). */
  role: string;
  /** The read-only app role (API_ENTRA_READER_ROLE): GET and HEAD only. Absent or null: no reader role. */
  readerRole?: string | null;
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

/** The environment as the loader reads it: variable name → raw value. */
export type Env = Readonly<Record<string, string | undefined>>;
