/**
 * When to try Graph again. Graph's throttling guidance: on 429/503 wait the Retry-After it sends; without one, back
 * off exponentially. Full jitter (a random delay between 0 and the exponential cap) keeps many workers that were
 * throttled together from retrying together.
 */
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
 * Retry-After in milliseconds: seconds (`"5"`, `"1.5"`) or an HTTP date. null when absent or unreadable. A date in
 * the past means "now" (0).
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (text === '') return null;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - nowMs);
}

/** Exponential backoff with full jitter for retry number `attempt` (0 = the first retry). */
export function backoffDelay(attempt: number, options: RetryOptions, random: () => number = Math.random): number {
  const cap = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  return Math.floor(random() * cap);
}

/** The wait before a retry: what Graph asked for when it said, never less; our backoff otherwise. */
export function retryDelay(
  attempt: number,
  retryAfterMs: number | null,
  options: RetryOptions,
  random: () => number = Math.random,
): number {
  return retryAfterMs ?? backoffDelay(attempt, options, random);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
