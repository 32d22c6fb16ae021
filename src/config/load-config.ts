/**
 * The only reader of the environment. Every variable of DESIGN.md's public surface (variables.ts) is parsed here
 * once, with its schema, its default filled in when it is unset; then the cross-checks (cross-checks.ts) judge the
 * ones that belong together. A wrong value stops start with a message naming the variable, what is wrong and an
 * example of a right value; every problem is reported at once. Secret values are never echoed, not even in errors.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseDotenv } from 'dotenv';
import { ConfigError, type Config, type Env } from './config-shape';
import { crossCheck } from './cross-checks';
import { variableSpec, variables, type ParsedVariables, type VariableName } from './variables';

function describeValue(name: VariableName, raw: string): string {
  return variableSpec(name).secret === true ? '(value hidden)' : JSON.stringify(raw);
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
    const spec = variableSpec(name);
    const given = env[name];
    const raw = given === undefined || given.trim() === '' ? spec.default : given.trim();
    if (raw === undefined) continue;
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
  // A variable with a default that failed its schema is missing here, but then `problems` is not empty.
  const vars = parsed as ParsedVariables;
  const { credential, queue, email, alertWebhook, apiEntra, consoleEntraClientId } = crossCheck(
    vars,
    env,
    problems,
  );
  if (problems.length > 0) throw new ConfigError(problems);

  return Object.freeze({
    port: vars.PORT,
    host: vars.HOST,
    metricsPort: vars.METRICS_PORT ?? null,
    metricsToken: vars.METRICS_TOKEN ?? null,
    publicBaseUrl: vars.PUBLIC_BASE_URL ?? null,
    clientStates: vars.CLIENT_STATE ?? [],
    apiToken: vars.API_TOKEN ?? null,
    apiEntra,
    consoleEntraClientId,
    databaseUrl: vars.DATABASE_URL,
    queue,
    graph: Object.freeze({
      baseUrl: vars.GRAPH_BASE_URL.replace(/\/+$/, ''),
      tenantId: vars.AZURE_TENANT_ID ?? null,
      credential,
    }),
    slackWebhookUrl: vars.SLACK_WEBHOOK_URL ?? null,
    teamsWebhookUrl: vars.TEAMS_WEBHOOK_URL ?? null,
    alertWebhook,
    email,
    channelSecretsKeys: Object.freeze([...(vars.CHANNEL_SECRETS_KEY ?? [])]),
    logLevel: vars.LOG_LEVEL,
    logFormat: vars.LOG_FORMAT ?? null,
    eventRetentionDays: vars.EVENT_RETENTION_DAYS,
    swapAuditScheduleMs: Object.freeze([...vars.SWAP_AUDIT_SCHEDULE]),
    groupLicenseRecheckMs: Object.freeze([...vars.GROUP_LICENSE_RECHECK_SCHEDULE]),
    resourceAccountSweepMs: vars.RESOURCE_ACCOUNT_SWEEP_MINUTES * 60_000,
    allocationCountsTeamsRooms: vars.ALLOCATION_COUNT_TEAMS_ROOMS,
    azureMonitor:
      vars.APPLICATIONINSIGHTS_CONNECTION_STRING === undefined
        ? null
        : { connectionString: vars.APPLICATIONINSIGHTS_CONNECTION_STRING },
  });
}
