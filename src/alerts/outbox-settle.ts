/**
 * How the outbox dispatcher settles an entry whose send failed: dead-lettered with the reason (a permanent refusal,
 * or past `deadAfterMs` since it was written), else retried later with backoff and jitter, never sooner than the
 * peer's Retry-After (or the hold a batch is under) and never past the dead-letter deadline.
 */
import { describeError, PermanentError, RetryLaterError } from '../errors';
import type { Logger } from '../logger';
import type { OutboxEntry, Store } from '../store/store';
import type { OutboxDispatcherOptions, Settle } from './outbox-dispatcher-options';
import { redactUrls } from './redact-url';
import { retryDelayMs } from './retry-delay';
import type { SinkDeliveryObserver } from './sink-delivery-observer';

export type SettleFailure = (
  entry: OutboxEntry,
  error: unknown,
  tally: Settle,
  floorMs?: number,
) => Promise<void>;

export function createSettleFailure(deps: {
  store: Store;
  log: Logger;
  now: () => Date;
  random: () => number;
  options: OutboxDispatcherOptions;
  observer?: SinkDeliveryObserver;
}): SettleFailure {
  const { store, log, now, random, options } = deps;
  return async function fail(entry: OutboxEntry, error: unknown, tally: Settle, floorMs = 0): Promise<void> {
    const at = now();
    const text = redactUrls(describeError(error));
    const deadline = Date.parse(entry.createdAt) + options.deadAfterMs;
    if (error instanceof PermanentError || at.getTime() >= deadline) {
      const why =
        error instanceof PermanentError ? text : `gave up after ${entry.attempts} attempt(s): ${text}`;
      await store.outbox.markDead(entry.id, why, at.toISOString());
      log.error(
        { entryId: entry.id, alertId: entry.alertId, sink: entry.sink, attempts: entry.attempts, error: why },
        'alert message dead-lettered',
      );
      tally.dead += 1;
      deps.observer?.gaveUp({ sink: entry.sink });
      return;
    }
    const retryAfter = Math.max(floorMs, error instanceof RetryLaterError ? error.delayMs : 0);
    const delay = retryDelayMs(entry.attempts, options, retryAfter, random);
    const next = Math.min(at.getTime() + delay, deadline);
    await store.outbox.markRetry(entry.id, text, new Date(next).toISOString());
    log.warn(
      {
        entryId: entry.id,
        alertId: entry.alertId,
        sink: entry.sink,
        attempts: entry.attempts,
        retryInMs: next - at.getTime(),
        error: text,
      },
      'alert message will be retried',
    );
    tally.retried += 1;
  };
}
