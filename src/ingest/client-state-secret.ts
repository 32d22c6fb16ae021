/**
 * Which clientState secrets ra-watch uses (issue 18 item 2). CLIENT_STATE when it is set. Otherwise, watching a real
 * tenant, accepting every notification would let anyone who finds the endpoint make the worker read Graph (a probe
 * made 51 `$batch` calls with 1,000 forged notifications), so one secret is generated on first start and stored in
 * the store's settings: every replica, a restart and the CLI's one-shot commands (which create subscriptions too)
 * read the same one, so the subscriptions and the ingest check always agree. Its value is never logged.
 *
 * Without a real tenant (the demo and the simulator, which pass their own Graph), nothing is generated here: the demo
 * makes up its own secret, and with none the ingest accepts all and warns once.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../logger';
import type { Store } from '../store/store';

/** Install-wide (not one tenant's): the settings row that holds the generated secret. */
export const GENERATED_CLIENT_STATE = { tenantId: '*', key: 'generated-client-state' } as const;

export interface ClientStateSources {
  /** CLIENT_STATE, as configured (empty: unset). */
  configured: readonly string[];
  /** True when a real Graph tenant is watched (a credential configured, Graph not replaced by the demo). */
  realTenant: boolean;
  store: Pick<Store, 'settings'>;
  logger: Logger;
}

export async function resolveClientStates(sources: ClientStateSources): Promise<string[]> {
  if (sources.configured.length > 0 || !sources.realTenant) return [...sources.configured];
  const { tenantId, key } = GENERATED_CLIENT_STATE;
  const existing = await sources.store.settings.get(tenantId, key);
  if (existing !== null) {
    sources.logger.info(
      { clientStateSource: 'stored' },
      'CLIENT_STATE is not set: using the clientState generated on first start (kept in the store)',
    );
    return [existing];
  }
  // 48 hex characters: well inside Graph's 128, far beyond guessing.
  const stored = await sources.store.settings.putIfAbsent(tenantId, key, randomBytes(24).toString('hex'));
  sources.logger.info(
    { clientStateSource: 'generated' },
    'CLIENT_STATE is not set: generated a clientState and stored it; subscriptions use it and notifications without it are dropped',
  );
  return [stored];
}
