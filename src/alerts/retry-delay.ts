/**
 * When to try an outbox entry again: exponential backoff with full jitter (a random delay between 0 and
 * base * 2^(attempt-1), capped), so a sink that comes back is not hit by every waiting entry at the same instant;
 * never sooner than the peer's own Retry-After (Slack's 429 says exactly how long to wait), and never later than
 * the dead-letter deadline, so the last attempt happens at the deadline rather than being skipped.
 */
import { backoffMs } from '../background/backoff';

export interface RetryDelayOptions {
  baseDelayMs: number;
  maxDelayMs: number;
}

export function retryDelayMs(
  attempt: number,
  options: RetryDelayOptions,
  retryAfterMs: number,
  random: () => number,
): number {
  const jittered = backoffMs(
    attempt - 1,
    { baseMs: options.baseDelayMs, maxMs: options.maxDelayMs, jitter: 'full' },
    random,
  );
  return Math.max(jittered, retryAfterMs);
}
