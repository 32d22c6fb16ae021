/**
 * A token bucket per source address that createHttpServer can put in front of Graph's webhook endpoints. The app
 * does not (serve-endpoints.ts passes `false`): refusing Graph counts toward the share at which it drops
 * notifications (DOMAIN.md §5), and the clientState, the body limits and the body budget guard those endpoints
 * instead; benchmarks and tests still use it. Failed API authentications have their own limit
 * (src/api/auth-failure-limit.ts). The defaults
 * are generous: Graph delivers a busy tenant's changes from a handful of addresses, in bursts, and refusing Graph
 * costs more (it retries, then drops the subscription's notifications) than a flood does. A refused request gets a
 * 429 JSON answer with Retry-After, which Graph honours.
 *
 * Behind a reverse proxy every request has the proxy's address: then the limit is per proxy, a ceiling on the whole
 * webhook traffic rather than per caller.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorBody } from './error-body';
import { assignRequestId } from './request-id';

export interface RateLimitOptions {
  /** Requests one address may send at once (the bucket's size). */
  burst?: number;
  /** Tokens added back per second per address. */
  perSecond?: number;
  /** Addresses tracked at most; the least recently seen is forgotten first (bounds memory under a spoofed flood). */
  maxAddresses?: number;
  /** Clock in milliseconds (tests). */
  now?: () => number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateLimit {
  /** Takes one token for `key`. */
  take(key: string): RateDecision;
  /**
   * Takes one token for the request's source address; when none is left, answers 429 and returns false (the caller
   * must then not touch the request further).
   */
  admit(req: IncomingMessage, res: ServerResponse): boolean;
}

export const RATE_LIMIT_DEFAULTS = { burst: 2000, perSecond: 1000, maxAddresses: 10_000 } as const;

interface Bucket {
  tokens: number;
  at: number;
}

export function createRateLimit(options: RateLimitOptions = {}): RateLimit {
  const burst = options.burst ?? RATE_LIMIT_DEFAULTS.burst;
  const perSecond = options.perSecond ?? RATE_LIMIT_DEFAULTS.perSecond;
  const maxAddresses = options.maxAddresses ?? RATE_LIMIT_DEFAULTS.maxAddresses;
  const now = options.now ?? Date.now;
  if (!(burst >= 1 && perSecond > 0 && maxAddresses >= 1)) {
    throw new RangeError(
      'rate limit: burst must be at least 1, perSecond above 0 and maxAddresses at least 1',
    );
  }
  // A Map keeps insertion order: re-inserting on each hit makes the first key the least recently seen.
  const buckets = new Map<string, Bucket>();

  const take = (key: string): RateDecision => {
    const at = now();
    const previous = buckets.get(key);
    const tokens =
      previous === undefined
        ? burst
        : Math.min(burst, previous.tokens + ((at - previous.at) / 1000) * perSecond);
    buckets.delete(key);
    if (tokens < 1) {
      buckets.set(key, { tokens, at });
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / perSecond)) };
    }
    buckets.set(key, { tokens: tokens - 1, at });
    if (buckets.size > maxAddresses) {
      const oldest = buckets.keys().next();
      if (oldest.done !== true) buckets.delete(oldest.value);
    }
    return { allowed: true };
  };

  return {
    take,
    admit(req, res) {
      const decision = take(req.socket.remoteAddress ?? 'unknown');
      if (decision.allowed) return true;
      // The body is not read: drain it so the connection can be reused rather than reset under the caller.
      req.resume();
      const requestId = assignRequestId(req, res);
      const body = errorBody(
        'too-many-requests',
        `Too many requests from this address; retry in ${decision.retryAfterSeconds} s.`,
      );
      const payload = JSON.stringify({ error: { ...body.error, requestId } });
      res.writeHead(429, {
        'Retry-After': String(decision.retryAfterSeconds),
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': Buffer.byteLength(payload),
      });
      res.end(payload);
      return false;
    },
  };
}
