/**
 * Bounded retries for Graph calls that surface `RetryLaterError`. The Graph client already honours Retry-After for
 * single 429/503 answers; this is the outer layer for a renewal that must not be lost to a throttled minute: a
 * subscription that misses its renewal window lapses and Graph deletes it. Never spins: each wait is at least Graph's
 * own Retry-After, grows exponentially with jitter, and is capped.
 */
import { backoffMs, sleep as realSleep } from '../background/backoff';
import { RetryLaterError } from '../errors';

export interface RetryLaterOptions {
  /** Total tries, the first included. */
  attempts: number;
  /** First backoff when Graph gave no longer Retry-After. */
  baseDelayMs: number;
  maxDelayMs: number;
  sleep?: (ms: number) => Promise<void>;
  onRetry?: (error: RetryLaterError, attempt: number, delayMs: number) => void;
}

export const DEFAULT_RETRY: RetryLaterOptions = { attempts: 4, baseDelayMs: 1_000, maxDelayMs: 60_000 };

export async function retryOnRetryLater<T>(call: () => Promise<T>, options: RetryLaterOptions): Promise<T> {
  const sleep = options.sleep ?? realSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof RetryLaterError) || attempt >= options.attempts) throw error;
      // The full backoff plus up to a fifth more, at least Graph's Retry-After, and the cap over both.
      const backoff = backoffMs(attempt - 1, {
        baseMs: options.baseDelayMs,
        maxMs: options.maxDelayMs,
        jitter: { addUpTo: 0.2 },
      });
      const delayMs = Math.min(options.maxDelayMs, Math.max(error.delayMs, backoff));
      options.onRetry?.(error, attempt, delayMs);
      await sleep(delayMs);
    }
  }
}
