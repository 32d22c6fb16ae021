/**
 * `ra-watch doctor`: every check an admin would otherwise do by hand before going live, or when alerts stop coming,
 * in the order the problems depend on each other: the configuration (nothing else can be tried without it), the store
 * and the queue, a Graph token and each permission per watched tenant, the clock against Graph's, Graph reaching
 * PUBLIC_BASE_URL, a test message on every alert channel of the environment, and CHANNEL_SECRETS_KEY opening every
 * named channel. Nothing here changes the tenant or the subscriptions.
 */
import { ConfigError, loadConfig, type Config, type Env } from '../config';
import { describeError } from '../errors';
import { createTokenProvider, type TokenProvider } from '../graph/client/credential';
import type { Logger } from '../logger';
import { checkAlertChannels } from './alert-channels-check';
import { checkNamedChannels } from './named-channels-check';
import { clockCheck } from './clock-check';
import { reportOf, type CheckResult, type DoctorReport } from './doctor-check';
import { checkTenantGraph } from './graph-checks';
import { checkPublicUrl } from './public-url-check';
import { checkStoreAndQueue } from './store-queue-check';

export interface DoctorOptions {
  env: Env;
  logger: Logger;
  /** Tests may hand a token provider in; by default the configured credential's. */
  tokenProvider?: TokenProvider;
}

export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  let config: Config;
  try {
    config = loadConfig(options.env);
  } catch (error) {
    const problems = error instanceof ConfigError ? error.problems : [describeError(error)];
    return reportOf([
      {
        check: 'config',
        title: 'Configuration',
        status: 'fail',
        detail: `invalid: ${problems.join('; ')}`,
        fix: 'Correct the variables named (environment or .env); each line gives an example of a right value.',
      },
    ]);
  }
  const storeAndQueue = await checkStoreAndQueue(config, options.logger);
  const checks: CheckResult[] = [
    { check: 'config', title: 'Configuration', status: 'ok', detail: 'valid' },
    ...storeAndQueue.results,
    ...(await checkGraph(config, options, storeAndQueue.registeredTenants)),
    await checkPublicUrl(config),
    ...(await checkAlertChannels(config, options.logger)),
    ...checkNamedChannels(config, storeAndQueue.storedChannels),
  ];
  return reportOf(checks);
}

/** A token and every permission for each watched tenant: AZURE_TENANT_ID first, then the registry's. */
async function checkGraph(
  config: Config,
  options: DoctorOptions,
  registeredTenants: readonly string[],
): Promise<CheckResult[]> {
  const configured = config.graph.tenantId?.toLowerCase() ?? null;
  const tenantIds = [...new Set([...(configured === null ? [] : [configured]), ...registeredTenants])];
  if (config.graph.credential.kind === 'none' || tenantIds.length === 0) {
    return [
      {
        check: 'graph-token',
        title: 'Graph token',
        status: 'fail',
        detail:
          tenantIds.length === 0
            ? 'no tenant is watched: AZURE_TENANT_ID is not set and no tenant was added (serve would watch the demo tenants)'
            : 'no Graph credential is configured',
        fix: 'Set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or a certificate, a federated token, a managed identity), or GRAPH_ACCESS_TOKEN with AZURE_TENANT_ID.',
      },
    ];
  }
  const tokenProvider =
    options.tokenProvider ?? createTokenProvider(config.graph.credential, config.graph.baseUrl);
  const results: CheckResult[] = [];
  let clock: { dateHeader: string; localMs: number } | null = null;
  for (const tenantId of tenantIds) {
    const tenant = await checkTenantGraph(config, tenantId, tokenProvider, options.logger);
    results.push(...tenant.results);
    clock ??= tenant.clock;
  }
  return [
    ...results,
    clock === null ? clockCheck(null, Date.now()) : clockCheck(clock.dateHeader, clock.localMs),
  ];
}
