/**
 * Graph's lifecycle notifications (POST /lifecycle), handled after the queue: ingest only acknowledges them.
 * For users only `reauthorizationRequired` is documented; `subscriptionRemoved` and `missed` are handled too, because
 * a users subscription may still receive them and each otherwise ends real-time alerts silently.
 *
 * - reauthorizationRequired: one PATCH of the expiry (it reauthorizes and renews; issue 17 item 4), never also a
 *   POST /reauthorize; a renew that finds it gone recreates it.
 * - subscriptionRemoved: recreate it, then resync by delta for the time nobody listened.
 * - missed: notifications were lost; resync by delta.
 *
 * Throttling (`RetryLaterError`) is thrown on, so the worker gives the message back and it is tried again later.
 */
import type { Logger } from '../logger';
import type { LifecycleWork } from '../queue/work-item';
import type { Store } from '../store/store';
import type { DeltaReconciler } from './delta-reconcile';
import { REAUTHORIZE_UPDATE_GAP_MS, renewedWithin } from './reauthorize-window';
import type { SubscriptionManager } from './subscription-manager';

export type LifecycleOutcome =
  | { action: 'renewed'; subscriptionId: string }
  | { action: 'recreated'; subscriptionId: string; newSubscriptionId: string }
  | { action: 'resynced'; subscriptionId: string; queued: number }
  | { action: 'ignored'; subscriptionId: string; why: string };

export type LifecycleHandler = (item: LifecycleWork) => Promise<LifecycleOutcome>;

export interface LifecycleHandlerDeps {
  store: Store;
  manager: Pick<SubscriptionManager, 'renew' | 'recreate'>;
  reconciler: Pick<DeltaReconciler, 'resync'>;
  logger: Logger;
  now?: () => Date;
  /**
   * After `missed`: also read Teams' list of resource accounts (identification/resource-account-sweep.ts), since a
   * lost notification may have been a new resource account's. A failure is logged; the resync still counts.
   */
  sweepResourceAccounts?: (tenantId: string, reason: string) => Promise<unknown>;
}

export function createLifecycleHandler(deps: LifecycleHandlerDeps): LifecycleHandler {
  const { store, manager, reconciler, logger } = deps;
  const now = deps.now ?? (() => new Date());

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
        // One PATCH of the expiry reauthorizes and renews (Graph's lifecycle page); a separate /reauthorize call
        // as well would be a reauthorize and an update within 10 minutes, which Graph asks clients not to send.
        // A subscription renewed inside that window (a duplicate delivery, or the renewal loop just ran) already
        // carries a fresh authorization: PATCHing again would only add load.
        if (renewedWithin(stored.lastRenewedAt, now(), REAUTHORIZE_UPDATE_GAP_MS)) {
          log.info({ lastRenewedAt: stored.lastRenewedAt }, 'renewed moments ago: already reauthorized');
          return { action: 'renewed', subscriptionId: stored.id };
        }
        const outcome = await manager.renew(stored.id);
        if (outcome.recreatedFrom !== null) {
          return {
            action: 'recreated',
            subscriptionId: stored.id,
            newSubscriptionId: outcome.subscription.id,
          };
        }
        log.info({}, 'subscription reauthorized by renewing its expiry');
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
      case 'missed': {
        const outcome = await resync(item, 'lifecycle missed: notifications were not delivered');
        await deps.sweepResourceAccounts?.(item.tenantId, 'lifecycle missed').catch((error: unknown) => {
          log.warn(
            { err: error },
            'resource account sweep after missed failed; the scheduled one will retry',
          );
        });
        return outcome;
      }
      default:
        return ignored(item, log, `unknown lifecycle event ${JSON.stringify(item.lifecycleEvent)}`);
    }
  };
}

function ignored(item: LifecycleWork, log: Logger, why: string): LifecycleOutcome {
  log.warn({ why }, 'lifecycle notification ignored');
  return { action: 'ignored', subscriptionId: item.subscriptionId, why };
}
