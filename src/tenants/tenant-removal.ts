/**
 * Removing a tenant: delete its subscriptions in Graph (the loops stop finding it: they read the registry) and mark
 * it removed; `purge` also deletes every stored row of it, its registry entry included.
 */
import { describeError } from '../errors';
import type { TenantId } from '../glossary';
import type { Logger } from '../logger';
import type { Store } from '../store/store';
import type { SubscriptionManager } from '../subscriptions/subscription-manager';

export interface RemoveOutcome {
  tenantId: TenantId;
  deletedSubscriptions: string[];
  /** Subscriptions Graph could not delete now (they lapse on their own within 3 days); the rows are gone. */
  subscriptionErrors: Array<{ id: string; error: string }>;
  purged: Record<string, number> | null;
}

export interface TenantRemovalDeps {
  store: Store;
  logger: Logger;
  subscriptions: Pick<SubscriptionManager, 'delete'>;
  now: () => Date;
}

export function tenantRemover(
  deps: TenantRemovalDeps,
): (id: TenantId, options: { purge: boolean }) => Promise<RemoveOutcome | null> {
  const { store, logger, now } = deps;
  return async (id, options) => {
    const previous = await store.tenants.get(id);
    if (previous === null) return null;
    const deletedSubscriptions: string[] = [];
    const subscriptionErrors: RemoveOutcome['subscriptionErrors'] = [];
    for (const subscription of await store.subscriptions.list(previous.id)) {
      try {
        await deps.subscriptions.delete(subscription.id);
        deletedSubscriptions.push(subscription.id);
      } catch (error) {
        // Graph refuses (consent already revoked): the row goes anyway, the subscription lapses on its own.
        await store.subscriptions.delete(subscription.id);
        subscriptionErrors.push({ id: subscription.id, error: describeError(error) });
      }
    }
    let purged: Record<string, number> | null = null;
    if (options.purge) {
      purged = await store.tenants.purgeData(previous.id);
      await store.tenants.delete(previous.id);
    } else {
      await store.tenants.put({
        ...previous,
        status: 'removed',
        statusDetail: `removed at ${now().toISOString()}`,
      });
    }
    logger.info({ tenantId: previous.id, purge: options.purge, deletedSubscriptions }, 'tenant removed');
    return { tenantId: previous.id, deletedSubscriptions, subscriptionErrors, purged };
  };
}
