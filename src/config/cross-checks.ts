/**
 * The checks no single variable's schema can make: settings that only work together (a client secret needs a tenant
 * and a client id; e-mail needs all three of its variables), settings that exclude each other (two ways to sign in
 * to Graph), and the typed parts of the configuration they make. Each problem is one line that names the variables
 * and gives an example; all are reported at once.
 */
import type { ApiEntraConfig, Config, Env, GraphCredentialConfig, QueueConfig } from './config-shape';
import { authorityHostFor, cloudMismatch, GLOBAL_AUTHORITY } from './national-clouds';
import { variableSpec, type ParsedVariables } from './variables';

export interface CrossChecked {
  credential: GraphCredentialConfig;
  queue: QueueConfig;
  email: Config['email'];
  alertWebhook: Config['alertWebhook'];
  apiEntra: ApiEntraConfig | null;
  consoleEntraClientId: string | null;
}

/** The parts of the configuration made of several variables; each problem found is pushed onto `problems`. */
export function crossCheck(vars: ParsedVariables, env: Env, problems: string[]): CrossChecked {
  // In this order, so the problems are listed as they always were.
  const credential = graphCredential(vars, problems);
  const queue = queueConfig(vars, problems);
  const email = emailConfig(vars, problems);
  const alertWebhook = alertWebhookConfig(vars, problems);
  const apiEntra = apiEntraConfig(vars, env, problems);
  const consoleEntraClientId = consoleEntraConfig(vars, apiEntra, env, problems);
  return { credential, queue, email, alertWebhook, apiEntra, consoleEntraClientId };
}

function graphCredential(vars: ParsedVariables, problems: string[]): GraphCredentialConfig {
  // Unset: derived from GRAPH_BASE_URL's cloud (a US Government or 21Vianet Graph signs in at its own host); set: it
  // must name the same cloud (issue 17 item 9). The global cloud keeps the credential library's own default.
  const mismatch =
    vars.AZURE_AUTHORITY_HOST === undefined
      ? null
      : cloudMismatch(vars.GRAPH_BASE_URL, vars.AZURE_AUTHORITY_HOST);
  if (mismatch !== null) problems.push(mismatch);
  const derived = authorityHostFor(vars.GRAPH_BASE_URL);
  const authorityHost = vars.AZURE_AUTHORITY_HOST ?? (derived === GLOBAL_AUTHORITY ? undefined : derived);
  const withAuthority = authorityHost === undefined ? {} : { authorityHost };
  const ways = [
    vars.GRAPH_ACCESS_TOKEN !== undefined && 'GRAPH_ACCESS_TOKEN',
    vars.AZURE_CLIENT_SECRET !== undefined && 'AZURE_CLIENT_SECRET',
    vars.AZURE_CLIENT_CERTIFICATE_PATH !== undefined && 'AZURE_CLIENT_CERTIFICATE_PATH',
    vars.AZURE_FEDERATED_TOKEN_FILE !== undefined && 'AZURE_FEDERATED_TOKEN_FILE',
    vars.AZURE_MANAGED_IDENTITY_FEDERATION !== undefined && 'AZURE_MANAGED_IDENTITY_FEDERATION',
  ].filter((w): w is string => w !== false);
  if (ways.length > 1) {
    problems.push(
      `${ways.join(' and ')} are all set: choose one way to authenticate to Graph and unset the others.`,
    );
    return { kind: 'none' };
  }
  const needsApp = (what: string): { tenantId: string; clientId: string } | null => {
    const missing = (['AZURE_TENANT_ID', 'AZURE_CLIENT_ID'] as const).filter((n) => vars[n] === undefined);
    if (missing.length > 0) {
      problems.push(
        `${what} is set but ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not. Example: ${variableSpec(missing[0]!).example}`,
      );
      return null;
    }
    return { tenantId: vars.AZURE_TENANT_ID!, clientId: vars.AZURE_CLIENT_ID! };
  };
  if (vars.GRAPH_ACCESS_TOKEN !== undefined) return { kind: 'static-token', token: vars.GRAPH_ACCESS_TOKEN };
  if (vars.AZURE_CLIENT_SECRET !== undefined) {
    const app = needsApp('AZURE_CLIENT_SECRET');
    return app
      ? { kind: 'client-secret', ...app, clientSecret: vars.AZURE_CLIENT_SECRET, ...withAuthority }
      : { kind: 'none' };
  }
  if (vars.AZURE_CLIENT_CERTIFICATE_PATH !== undefined) {
    const app = needsApp('AZURE_CLIENT_CERTIFICATE_PATH');
    return app
      ? {
          kind: 'client-certificate',
          ...app,
          certificatePath: vars.AZURE_CLIENT_CERTIFICATE_PATH,
          ...withAuthority,
        }
      : { kind: 'none' };
  }
  if (vars.AZURE_FEDERATED_TOKEN_FILE !== undefined) {
    const app = needsApp('AZURE_FEDERATED_TOKEN_FILE');
    return app
      ? {
          kind: 'workload-identity',
          ...app,
          tokenFilePath: vars.AZURE_FEDERATED_TOKEN_FILE,
          ...withAuthority,
        }
      : { kind: 'none' };
  }
  if (vars.AZURE_MANAGED_IDENTITY_FEDERATION !== undefined) {
    const app = needsApp('AZURE_MANAGED_IDENTITY_FEDERATION');
    const identity = vars.AZURE_MANAGED_IDENTITY_FEDERATION;
    return app
      ? {
          kind: 'managed-identity-federated',
          ...app,
          managedIdentityClientId: identity === 'system' ? null : identity,
          ...withAuthority,
        }
      : { kind: 'none' };
  }
  // A tenant with no secret, certificate or federated token: the managed identity of the host (Azure Container Apps).
  if (vars.AZURE_TENANT_ID !== undefined) {
    return vars.AZURE_CLIENT_ID === undefined
      ? { kind: 'managed-identity' }
      : { kind: 'managed-identity', clientId: vars.AZURE_CLIENT_ID };
  }
  return { kind: 'none' };
}

function queueConfig(vars: ParsedVariables, problems: string[]): QueueConfig {
  const maxDeliveries = vars.QUEUE_MAX_DELIVERIES;
  // Not `=== 'embedded'`: a QUEUE that failed its schema is missing here, and is reported once, on its own.
  if (vars.QUEUE !== 'service-bus') return { kind: 'embedded', maxDeliveries };
  if (vars.SERVICE_BUS_CONNECTION_STRING === undefined && vars.SERVICE_BUS_NAMESPACE === undefined) {
    problems.push(
      `QUEUE=service-bus needs SERVICE_BUS_CONNECTION_STRING, or SERVICE_BUS_NAMESPACE with an Azure credential. Example: ${variableSpec('SERVICE_BUS_NAMESPACE').example}`,
    );
  }
  return {
    kind: 'service-bus',
    queueName: vars.SERVICE_BUS_QUEUE,
    maxDeliveries,
    ...(vars.SERVICE_BUS_CONNECTION_STRING === undefined
      ? {}
      : { connectionString: vars.SERVICE_BUS_CONNECTION_STRING }),
    ...(vars.SERVICE_BUS_NAMESPACE === undefined ? {} : { namespace: vars.SERVICE_BUS_NAMESPACE }),
  };
}

function emailConfig(vars: ParsedVariables, problems: string[]): Config['email'] {
  const set = (['SMTP_URL', 'ALERT_EMAIL_FROM', 'ALERT_EMAIL_TO'] as const).filter(
    (n) => vars[n] !== undefined,
  );
  if (set.length === 0) return null;
  if (set.length < 3) {
    const missing = (['SMTP_URL', 'ALERT_EMAIL_FROM', 'ALERT_EMAIL_TO'] as const).filter(
      (n) => vars[n] === undefined,
    );
    problems.push(
      `e-mail alerts need SMTP_URL, ALERT_EMAIL_FROM and ALERT_EMAIL_TO together; missing ${missing.join(', ')}. Example: ${variableSpec(missing[0]!).example}`,
    );
    return null;
  }
  return { smtpUrl: vars.SMTP_URL!, from: vars.ALERT_EMAIL_FROM!, to: vars.ALERT_EMAIL_TO! };
}

function alertWebhookConfig(vars: ParsedVariables, problems: string[]): Config['alertWebhook'] {
  if (vars.ALERT_WEBHOOK_URL === undefined) {
    if (vars.ALERT_WEBHOOK_SECRET !== undefined) {
      problems.push(
        `ALERT_WEBHOOK_SECRET is set but ALERT_WEBHOOK_URL is not. Example: ${variableSpec('ALERT_WEBHOOK_URL').example}`,
      );
    }
    return null;
  }
  return {
    url: vars.ALERT_WEBHOOK_URL,
    secret: vars.ALERT_WEBHOOK_SECRET ?? null,
    digests: vars.ALERT_WEBHOOK_DIGESTS,
  };
}

const API_ENTRA_NAMES = ['API_ENTRA_TENANT_ID', 'API_ENTRA_AUDIENCE', 'API_ENTRA_ROLE'] as const;

/**
 * Whether a variable was given at all. One given with a wrong value is reported by its own schema already; "missing"
 * is only for one not given.
 */
function given(env: Env, name: string): boolean {
  return (env[name] ?? '').trim() !== '';
}

function apiEntraConfig(vars: ParsedVariables, env: Env, problems: string[]): ApiEntraConfig | null {
  if (!API_ENTRA_NAMES.some((n) => given(env, n))) return null;
  const missing = (['API_ENTRA_TENANT_ID', 'API_ENTRA_AUDIENCE'] as const).filter((n) => !given(env, n));
  if (missing.length > 0) {
    const set = API_ENTRA_NAMES.filter((n) => given(env, n));
    problems.push(
      `Entra ID tokens on /api need API_ENTRA_TENANT_ID and API_ENTRA_AUDIENCE together; ${set.join(' and ')} ${set.length > 1 ? 'are' : 'is'} set but ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not. Example: ${variableSpec(missing[0]!).example}`,
    );
    return null;
  }
  if (vars.API_ENTRA_TENANT_ID === undefined || vars.API_ENTRA_AUDIENCE === undefined) return null;
  return {
    tenantId: vars.API_ENTRA_TENANT_ID,
    audiences: vars.API_ENTRA_AUDIENCE,
    role: vars.API_ENTRA_ROLE,
    readerRole: vars.API_ENTRA_READER_ROLE,
    authorityHost: (vars.AZURE_AUTHORITY_HOST ?? authorityHostFor(vars.GRAPH_BASE_URL)).replace(/\/+$/, ''),
  };
}

function consoleEntraConfig(
  vars: ParsedVariables,
  apiEntra: ApiEntraConfig | null,
  env: Env,
  problems: string[],
): string | null {
  if (vars.CONSOLE_ENTRA_CLIENT_ID === undefined) return null;
  // Half-set API_ENTRA_* is reported on its own already; say nothing more then.
  if (apiEntra === null && !API_ENTRA_NAMES.some((n) => given(env, n))) {
    problems.push(
      `CONSOLE_ENTRA_CLIENT_ID is set but API_ENTRA_TENANT_ID and API_ENTRA_AUDIENCE are not: the console's Microsoft sign-in gets a token for the API, so the API must accept Entra ID tokens first. Example: ${variableSpec('API_ENTRA_TENANT_ID').example}`,
    );
  }
  return apiEntra === null ? null : vars.CONSOLE_ENTRA_CLIENT_ID;
}
