/**
 * A limit on failed authentications per source address (issue 18): a token bucket of failures. Each refusal takes a
 * token; an address with none left is answered 429 with Retry-After before its token is even looked at, so a flood
 * of guesses costs ra-watch almost nothing and guessing API_TOKEN gets no faster by sending more. A caller that
 * authenticates is never charged. The source is the socket's address: forwarding headers are the caller's to write,
 * so trusting them would let a flood pick a fresh address for every request.
 *
 * Graph's endpoints (/notifications, /lifecycle) do not pass here: they have no token, and refusing Graph counts
 * toward the share at which it drops notifications (DOMAIN.md §5).
 */

export interface AuthFailureLimitOptions {
  /** Failures an address may have at once (the bucket's size). */
  burst?: number;
  /** Failures forgiven per second per address. */
  perSecond?: number;
  /** Addresses tracked at most; the least recently seen is forgotten first (bounds memory under a flood). */
  maxAddresses?: number;
  /** Clock in milliseconds (tests). */
  now?: () => number;
}

export interface AuthFailureLimit {
  /** Seconds to wait when `key` has no failures left, else null. */
  blocked(key: string): number | null;
  /** Charges one failure to `key`. */
  fail(key: string): void;
}

export const AUTH_FAILURE_DEFAULTS = { burst: 20, perSecond: 1, maxAddresses: 10_000 } as const;

interface Bucket {
  tokens: number;
  at: number;
}

export function createAuthFailureLimit(options: AuthFailureLimitOptions = {}): AuthFailureLimit {
  const burst = options.burst ?? AUTH_FAILURE_DEFAULTS.burst;
  const perSecond = options.perSecond ?? AUTH_FAILURE_DEFAULTS.perSecond;
  const maxAddresses = options.maxAddresses ?? AUTH_FAILURE_DEFAULTS.maxAddresses;
  const now = options.now ?? Date.now;
  // A Map keeps insertion order: re-inserting on each failure makes the first key the least recently seen.
  const buckets = new Map<string, Bucket>();

  const current = (key: string, at: number): number => {
    const bucket = buckets.get(key);
    if (bucket === undefined) return burst;
    return Math.min(burst, bucket.tokens + ((at - bucket.at) / 1000) * perSecond);
  };

  return {
    blocked(key) {
      const tokens = current(key, now());
      if (tokens >= 1) return null;
      return Math.max(1, Math.ceil((1 - tokens) / perSecond));
    },
    fail(key) {
      const at = now();
      const tokens = Math.max(0, current(key, at) - 1);
      buckets.delete(key);
      buckets.set(key, { tokens, at });
      if (buckets.size > maxAddresses) {
        const oldest = buckets.keys().next();
        if (oldest.done !== true) buckets.delete(oldest.value);
      }
    },
  };
}
