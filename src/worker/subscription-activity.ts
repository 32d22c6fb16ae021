/**
 * "Last notification received" per subscription, for the console's subscription health: a subscription that has
 * gone quiet for days is the first sign that Graph stopped delivering. Written at most once a minute per
 * subscription, so a burst of 10,000 notifications costs one write, not 10,000.
 */
import type { Logger } from '../logger';
import type { Store } from '../store/store';

const MIN_INTERVAL_MS = 60_000;

export type SubscriptionActivity = (subscriptionIds: Iterable<string>, at: Date) => Promise<void>;

export function createSubscriptionActivity(store: Store, logger: Logger): SubscriptionActivity {
  const lastWritten = new Map<string, number>();
  return async (subscriptionIds, at) => {
    for (const id of new Set(subscriptionIds)) {
      if (at.getTime() - (lastWritten.get(id) ?? 0) < MIN_INTERVAL_MS) continue;
      lastWritten.set(id, at.getTime());
      // Bookkeeping only: a failure here must not fail the work it accompanies.
      await store.subscriptions.touchNotification(id, at.toISOString()).catch((error: unknown) => {
        logger.warn({ subscriptionId: id, err: error }, 'could not record the last notification time');
      });
    }
  };
}
