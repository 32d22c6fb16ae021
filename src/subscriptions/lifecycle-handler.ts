/**
 * Graph's lifecycle notifications (POST /lifecycle), handled after the queue: ingest only acknowledges them.
 * For users only `reauthorizationRequired` is documented; `subscriptionRemoved` and `missed` are handled too, because
 * a users subscription may still receive them and each otherwise ends real-time alerts silently.
 *
 * - reauthorizationRequired: reauthorize; if Graph no longer knows it, or reauthorizing is refused, renew (a PATCH of
 *   the expiry also reauthorizes), and a renew that finds it gone recreates it.
 * - subscriptionRemoved: recreate it, then resync by delta for the time nobody listened.
 * - missed: notifications were lost; resync by delta.
 *
 * Throttling (`RetryLaterError`) is thrown on, so the worker gives the message back and it is tried again later.
 */
import { PermanentError } from '../errors';
import type { Logger } from '../logger';
import type { LifecycleWork } from '../queue/work-item';
import type { GraphSubscriptions } from '../graph/graph-subscriptions';
import type { Store } from '../store/store';
import type { DeltaReconciler } from './delta-reconcile';
import type { SubscriptionManager } from './subscription-manager';

export type LifecycleOutcome =
  | { action: 'reauthorized'; subscriptionId: string }
  | { action: 'renewed'; subscriptionId: string }
  | { action: 'recreated'; subscriptionId: string; newSubscriptionId: string }
  | { action: 'resynced'; subscriptionId: string; queued: number }
  | { action: 'ignored'; subscriptionId: string; why: string };

export type LifecycleHandler = (item: LifecycleWork) => Promise<LifecycleOutcome>;

export interface LifecycleHandlerDeps {
  store: Store;
  graph: GraphSubscriptions;
  manager: Pick<SubscriptionManager, 'renew' | 'recreate'>;
  reconciler: Pick<DeltaReconciler, 'resync'>;
  logger: Logger;
}

export function createLifecycleHandler(deps: LifecycleHandlerDeps): LifecycleHandler {
  const { store, graph, manager, reconciler, logger } = deps;

  const resync = async (item: LifecycleWork, reason: string): Promise<LifecycleOutcome> => {
    const pass = await reconciler.resync(item.tenantId, reason);
    return { action: 'resynced', subscriptionId: item.subscriptionId, queued: pass.queued };
  };

  return async (item) => {
    const log = logger.child({
      subscriptionId: item.subscriptionId,
      tenantId: item.tenantId,
      lifecycleEvent: item.lifecycleEvent,
    });
    const stored = await store.subscriptions.get(item.subscriptionId);

    switch (item.lifecycleEvent) {
      case 'reauthorizationRequired': {
        if (stored === null) return ignored(item, log, 'ra-watch does not know this subscription');
        let reauthorized = false;
        try {
          reauthorized = await graph.reauthorize(stored.tenantId, stored.id);
        } catch (error) {
          if (!(error instanceof PermanentError)) throw error;
          log.warn({ err: error.message, reason: error.reason }, 'reauthorize refused; renewing instead');
        }
        if (reauthorized) {
          log.info({}, 'subscription reauthorized');
          return { action: 'reauthorized', subscriptionId: stored.id };
        }
        const outcome = await manager.renew(stored.id);
        if (outcome.recreatedFrom !== null) {
          return {
            action: 'recreated',
            subscriptionId: stored.id,
            newSubscriptionId: outcome.subscription.id,
          };
        }
        return { action: 'renewed', subscriptionId: stored.id };
      }
      case 'subscriptionRemoved': {
        if (stored === null) {
          // Already replaced (a duplicate delivery), or never ours: still cover a possible gap.
          log.warn({}, 'subscriptionRemoved for a subscription ra-watch does not hold; resyncing only');
          return resync(item, 'subscriptionRemoved (unknown subscription)');
        }
        // recreate() also queues the delta resync for the gap (a `missed` lifecycle item, handled below).
        const fresh = await manager.recreate(stored.id, 'Graph removed it (subscriptionRemoved)');
        return { action: 'recreated', subscriptionId: stored.id, newSubscriptionId: fresh.id };
      }
      case 'missed':
        return resync(item, 'lifecycle missed: notifications were not delivered');
      default:
        return ignored(item, log, `unknown lifecycle event ${JSON.stringify(item.lifecycleEvent)}`);
    }
  };
}

function ignored(item: LifecycleWork, log: Logger, why: string): LifecycleOutcome {
  log.warn({ why }, 'lifecycle notification ignored');
  return { action: 'ignored', subscriptionId: item.subscriptionId, why };
}
