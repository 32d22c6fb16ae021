/**
 * Settling a leased message: complete it when its work is durable, or decide what a failure means.
 *
 * - `RetryLaterError` (Graph throttling that outlasted the client's own retries): back after Graph's own delay
 *   (the backoff below when it named none).
 * - `PermanentError` (a shape or permission retrying cannot fix): dead letters, with the reason, never dropped.
 * - anything else: back after an exponential, jittered delay; the queue dead-letters after its maximum deliveries.
 *
 * A lease can run out while the work runs (a long Graph stall); the queue then gives the message to someone else and
 * refuses our settle with `LeaseLostError`. That is not a crash: the other delivery redoes the (idempotent) work.
 */
import { backoffMs } from '../background/backoff';
import { PermanentError, RetryLaterError, describeError } from '../errors';
import { LeaseLostError, type LeasedMessage } from '../queue/queue';
import type { WorkerContext } from './worker-context';

export async function completeMessage(ctx: WorkerContext, message: LeasedMessage): Promise<void> {
  await guardLease(ctx, message, 'complete', () => ctx.queue.complete(message));
}

export async function deadLetterMessage(
  ctx: WorkerContext,
  message: LeasedMessage,
  reason: string,
  description: string,
): Promise<void> {
  ctx.logger.warn(
    { messageId: message.messageId, orderingKey: message.orderingKey, reason, description },
    'message dead-lettered',
  );
  await guardLease(ctx, message, 'dead-letter', () => ctx.queue.deadLetter(message, reason, description));
}

export async function settleFailure(
  ctx: WorkerContext,
  message: LeasedMessage,
  error: unknown,
): Promise<void> {
  const where = {
    messageId: message.messageId,
    orderingKey: message.orderingKey,
    deliveryCount: message.deliveryCount,
  };
  if (error instanceof PermanentError) {
    await deadLetterMessage(ctx, message, error.reason, error.message);
    return;
  }
  // Equal jitter: a batch that failed together (a store hiccup, a Graph outage) does not come back as one herd, yet
  // never retries at once. No give-up rule here: the queue dead-letters after its maximum number of deliveries.
  const backoff = backoffMs(message.deliveryCount - 1, {
    baseMs: ctx.settings.retryBaseMs,
    maxMs: ctx.settings.retryMaxMs,
    jitter: 'equal',
  });
  // Graph's Retry-After when it gave one; a throttle without a delay still must not be retried in a tight loop.
  const delayMs = error instanceof RetryLaterError && error.delayMs > 0 ? error.delayMs : backoff;
  const log =
    error instanceof RetryLaterError ? ctx.logger.warn.bind(ctx.logger) : ctx.logger.error.bind(ctx.logger);
  log({ ...where, err: error, delayMs }, `work failed, retrying later: ${describeError(error)}`);
  await guardLease(ctx, message, 'abandon', () => ctx.queue.abandon(message, { delayMs }));
}

async function guardLease(
  ctx: WorkerContext,
  message: LeasedMessage,
  action: string,
  settle: () => Promise<void>,
): Promise<void> {
  try {
    await settle();
  } catch (error) {
    if (!(error instanceof LeaseLostError)) throw error;
    ctx.logger.warn(
      { messageId: message.messageId, orderingKey: message.orderingKey, action },
      'lease lost before settling: another delivery of this message redoes the work',
    );
  }
}
