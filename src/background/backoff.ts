/**
 * The one backoff: how long to wait before trying again. Exponential in the retry number, capped, with jitter so
 * that work which failed together (a batch on a store hiccup, every worker throttled by Graph in the same second)
 * does not come back together. The numbers (base, cap, which jitter) are each caller's policy and stay with it:
 *
 * - `full`: anywhere between 0 and the ceiling. Spreads retries the most; used where the peer's Retry-After (or
 *   nothing at all) sets the floor: Graph calls, the alert outbox.
 * - `equal`: half fixed, half random, so a retry never comes back at once: redelivery of a failed queue message.
 * - `{ addUpTo }`: the ceiling plus up to that fraction of it: a renewal that must not lapse waits at least the full
 *   backoff.
 * - `none`: the ceiling itself: the worker waiting for an unreachable queue.
 *
 * Also here: Retry-After read the one way (RFC 9110 §10.2.3), and the one sleep.
 */

export type Jitter = 'full' | 'equal' | 'none' | { addUpTo: number };

export interface BackoffPolicy {
  /** The ceiling of the first retry; it doubles with each retry after. */
  baseMs: number;
  /** The ceiling never grows past this. */
  maxMs: number;
  jitter: Jitter;
}

/** The wait before retry number `retry` (0 = the first retry). */
export function backoffMs(retry: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  // 2^30 times any base is past any cap; clamping keeps a runaway retry count from overflowing to Infinity.
  const exponent = Math.max(0, Math.min(retry, 30));
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  const jitter = policy.jitter;
  if (jitter === 'full') return Math.floor(random() * ceiling);
  if (jitter === 'equal') {
    const half = ceiling / 2;
    return Math.round(half + random() * half);
  }
  if (jitter === 'none') return ceiling;
  return ceiling + random() * jitter.addUpTo * ceiling;
}

/**
 * Retry-After in milliseconds: delta-seconds (`"5"`, `"1.5"`) or an HTTP date. null when absent or unreadable. A
 * date in the past means "now" (0). Fractions of a millisecond round up: the header is a minimum.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number = Date.now()): number | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (text === '') return null;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - nowMs);
}

/** Resolves after `ms`, or as soon as `signal` aborts (a stopping loop must not wait out its pause). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted === true) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
