/**
 * When to try Graph again. Graph's throttling guidance: on 429/503 wait the Retry-After it sends; without one, back
 * off exponentially. Full jitter (a random delay between 0 and the exponential cap) keeps many workers that were
 * throttled together from retrying together. The arithmetic, the Retry-After parser and the sleep are the shared
 * ones in background/backoff.ts; what is Graph's own is here.
 */
import { backoffMs } from '../../background/backoff';

export interface RetryOptions {
  /** Retries after the first attempt; 0 means one attempt only. */
  maxRetries: number;
  /** The first backoff cap; doubles each attempt. */
  baseDelayMs: number;
  /** The longest the client waits in-process. A Retry-After beyond it is handed back as RetryLaterError at once. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { maxRetries: 4, baseDelayMs: 500, maxDelayMs: 30_000 };

/** Statuses Graph documents as transient: throttled, unavailable, gateway timeout. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 503, 504]);

/**
 * The wait before retry number `attempt` (0 = the first): what Graph asked for when it said, never less; otherwise
 * exponential backoff with full jitter from `baseDelayMs`, capped at `maxDelayMs`.
 */
export function retryDelay(
  attempt: number,
  retryAfterMs: number | null,
  options: RetryOptions,
  random: () => number = Math.random,
): number {
  return (
    retryAfterMs ??
    backoffMs(attempt, { baseMs: options.baseDelayMs, maxMs: options.maxDelayMs, jitter: 'full' }, random)
  );
}
