/**
 * Bounded retries for Graph calls that surface `RetryLaterError`. The Graph client already honours Retry-After for
 * single 429/503 answers; this is the outer layer for a renewal that must not be lost to a throttled minute: a
 * subscription that misses its renewal window lapses and Graph deletes it. Never spins: each wait is at least Graph's
 * own Retry-After, grows exponentially with jitter, and is capped.
 */
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

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function retryOnRetryLater<T>(call: () => Promise<T>, options: RetryLaterOptions): Promise<T> {
  const sleep = options.sleep ?? realSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof RetryLaterError) || attempt >= options.attempts) throw error;
      const backoff = options.baseDelayMs * 2 ** (attempt - 1);
      const jitter = Math.random() * 0.2 * backoff;
      const delayMs = Math.min(options.maxDelayMs, Math.max(error.delayMs, backoff + jitter));
      options.onRetry?.(error, attempt, delayMs);
      await sleep(delayMs);
    }
  }
}
