/**
 * The HTTP layer under the Graph reader and the subscriptions adapter: one place that knows Graph's base URL, the
 * bearer token per tenant, throttling and timeouts.
 *
 * Built on Node's fetch rather than @microsoft/microsoft-graph-client: the SDK's request builder only recognises
 * absolute links that start with `https://` (an `http://` nextLink from the simulator or a local stand-in would be
 * glued onto the base URL), and it takes opaque `$skiptoken`/`$deltatoken` links apart and re-serialises their query.
 * Graph says to follow those links exactly as given; a thin fetch layer does, and keeps its error handling ours.
 *
 * Retries: 429, 503 and 504 honouring Retry-After (seconds or an HTTP date), exponential backoff with full jitter
 * otherwise; network errors and timeouts likewise. No request for a tenant goes out before a Retry-After Graph gave
 * for that tenant has elapsed (Graph throttles per app and tenant). A wait longer than `maxDelayMs`, or retries run
 * out: `RetryLaterError` carrying the delay Graph asked for, so the queue can redeliver instead of a worker blocking.
 *
 * The bearer token is sent and never logged: log lines carry method, path without query, status and request-id.
 */
import { PermanentError, RetryLaterError, describeError } from '../../errors';
import type { Logger } from '../../logger';
import type { TenantId } from '../../glossary';
import type { GraphAnswer } from './graph-error';
import { requestIdOf } from './graph-error';
import { parseRetryAfter, sleep } from '../../background/backoff';
import { DEFAULT_RETRY, RETRYABLE_STATUSES, retryDelay, type RetryOptions } from './retry-policy';
import type { TokenProvider } from './credential';
import { graphRouteOf, isThrottle, type GraphRoute, type GraphTrafficObserver } from './graph-traffic';

export interface GraphHttpOptions {
  /** `https://graph.microsoft.com`, a national cloud (`https://graph.microsoft.us`) or the simulator, used as given. */
  baseUrl: string;
  tokenProvider: TokenProvider;
  logger: Logger;
  retry?: Partial<RetryOptions>;
  /** Per attempt, headers and body included. */
  requestTimeoutMs?: number;
  /** For tests of the jitter; Math.random otherwise. */
  random?: () => number;
  /** Told of every answer and throttle (metrics); never allowed to fail a request. */
  observer?: GraphTrafficObserver;
}

export interface GraphRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** `/users/{id}?$select=...` (the `/v1.0` prefix is added) or an absolute `@odata.nextLink` / deltaLink. */
  path: string;
  body?: unknown;
}

export interface GraphHttp {
  /** Sends with retries. Any answer that is not retryable comes back, success or not; the caller interprets it. */
  send(tenantId: TenantId, request: GraphRequest): Promise<GraphAnswer>;
  readonly retry: RetryOptions;
  /** Wait out the tenant's Retry-After gate (used by $batch for its per-item throttling). */
  holdUntil(tenantId: TenantId, atMs: number): void;
  /** Resolves when the tenant may be called again; RetryLaterError when that is beyond maxDelayMs. */
  waitForGate(tenantId: TenantId): Promise<void>;
  /** Where $batch reports its throttled items (the outer answer is a 200). */
  readonly observer: GraphTrafficObserver | undefined;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export function createGraphHttp(options: GraphHttpOptions): GraphHttp {
  const retry: RetryOptions = { ...DEFAULT_RETRY, ...options.retry };
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const random = options.random ?? Math.random;
  const base = new URL(options.baseUrl.replace(/\/+$/, ''));
  const logger = options.logger.child({ component: 'graph-http' });
  /** Per tenant: the earliest time Graph allows the next request (from its Retry-After). */
  const notBefore = new Map<TenantId, number>();

  function holdUntil(tenantId: TenantId, atMs: number): void {
    if (atMs > (notBefore.get(tenantId) ?? 0)) notBefore.set(tenantId, atMs);
  }

  async function waitForGate(tenantId: TenantId): Promise<void> {
    const wait = (notBefore.get(tenantId) ?? 0) - Date.now();
    if (wait <= 0) return;
    if (wait > retry.maxDelayMs) {
      throw new RetryLaterError(
        `Graph asked to wait ${Math.ceil(wait / 1000)} s before calling tenant ${tenantId} again`,
        wait,
      );
    }
    await sleep(wait);
  }

  /** Relative paths go under `/v1.0`; absolute links are followed on the configured origin only, never elsewhere. */
  function urlFor(path: string): URL {
    if (/^https?:\/\//i.test(path)) {
      const link = new URL(path);
      if (link.origin !== base.origin) {
        // A link naming another host must not receive our bearer token: keep its path and query, use our origin.
        logger.debug(
          { linkOrigin: link.origin },
          'Graph link on another origin: followed on the configured base URL',
        );
      }
      return new URL(`${link.pathname}${link.search}`, base.origin);
    }
    const basePath = base.pathname.replace(/\/+$/, '');
    return new URL(`${base.origin}${basePath}/v1.0${path.startsWith('/') ? '' : '/'}${path}`);
  }

  async function attempt(
    tenantId: TenantId,
    request: GraphRequest,
    url: URL,
    what: string,
  ): Promise<GraphAnswer> {
    const token = await tokenFor(options.tokenProvider, tenantId);
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    let body: string | undefined;
    if (request.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.body);
    }
    const response = await fetch(url, {
      method: request.method,
      headers,
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: decodeBody(text, response, what),
      what,
    };
  }

  /** Counts one answer (or its absence: status 0) and, when Graph said to slow down, one throttle. */
  function observe(tenantId: TenantId, method: string, route: GraphRoute, answer: GraphAnswer | null): void {
    const observer = options.observer;
    if (observer === undefined) return;
    const status = answer?.status ?? 0;
    try {
      observer.answered({ method, route, status, tenantId });
      if (isThrottle(status, answer?.headers.get('retry-after') ?? null))
        observer.throttled({ route, status });
    } catch (error) {
      logger.warn({ err: error }, 'the Graph traffic observer failed; the request goes on');
    }
  }

  async function send(tenantId: TenantId, request: GraphRequest): Promise<GraphAnswer> {
    const url = urlFor(request.path);
    const what = `${request.method} ${url.pathname}`;
    const route = graphRouteOf(url.pathname);
    for (let tries = 0; ; tries++) {
      await waitForGate(tenantId);
      let answer: GraphAnswer | null = null;
      let failure: unknown = null;
      try {
        answer = await attempt(tenantId, request, url, what);
      } catch (error) {
        if (error instanceof PermanentError || error instanceof RetryLaterError) throw error;
        failure = error;
      }
      observe(tenantId, request.method, route, answer);
      if (answer !== null && !RETRYABLE_STATUSES.has(answer.status)) {
        logger.debug(
          { tenantId, what, status: answer.status, requestId: requestIdOf(answer.headers), tries },
          'graph answered',
        );
        return answer;
      }
      const retryAfterMs =
        answer === null ? null : parseRetryAfter(answer.headers.get('retry-after'), Date.now());
      if (retryAfterMs !== null) holdUntil(tenantId, Date.now() + retryAfterMs);
      const delay = retryDelay(tries, retryAfterMs, retry, random);
      const reason = answer === null ? failureText(failure, timeoutMs) : `${answer.status}`;
      if (tries >= retry.maxRetries || delay > retry.maxDelayMs) {
        const delayMs = retryAfterMs ?? Math.max(delay, retry.baseDelayMs);
        throw new RetryLaterError(
          `Graph ${what} still failing after ${tries + 1} attempt(s) (${reason}); try again in ${Math.ceil(delayMs / 1000)} s`,
          delayMs,
          { cause: failure ?? undefined },
        );
      }
      logger.warn(
        { tenantId, what, reason, retryInMs: delay, attempt: tries + 1 },
        'graph request will be retried',
      );
      await sleep(delay);
    }
  }

  return { send, retry, holdUntil, waitForGate, observer: options.observer };
}

async function tokenFor(provider: TokenProvider, tenantId: TenantId): Promise<string> {
  try {
    return await provider(tenantId);
  } catch (error) {
    if (error instanceof PermanentError || error instanceof RetryLaterError) throw error;
    // @azure/identity names a refused credential AuthenticationError / CredentialUnavailableError: no retry helps.
    const name = errorName(error);
    if (
      name === 'AuthenticationError' ||
      name === 'CredentialUnavailableError' ||
      name === 'AggregateAuthenticationError'
    ) {
      throw new PermanentError(
        'graph-credential',
        `Could not get a Graph token for tenant ${tenantId}: ${describeError(error)}`,
        { cause: error },
      );
    }
    throw new RetryLaterError(
      `Could not get a Graph token for tenant ${tenantId}: ${describeError(error)}`,
      5_000,
      { cause: error },
    );
  }
}

/** JSON when there is a body; a 2xx that is not JSON is a shape we do not understand. */
function decodeBody(text: string, response: Response, what: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    if (response.ok) {
      throw new PermanentError(
        'graph-shape',
        `Graph's answer to ${what} is not JSON (content-type ${response.headers.get('content-type') ?? 'none'}): ${text.slice(0, 80)}`,
        { cause: error },
      );
    }
    return text;
  }
}

function failureText(error: unknown, timeoutMs: number): string {
  // fetch's timeout is a DOMException: not always `instanceof Error` across realms, so look at its name.
  const name = errorName(error);
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${describeError(error)}${cause}`;
}

function errorName(error: unknown): string {
  if (typeof error !== 'object' || error === null) return '';
  const name = (error as { name?: unknown }).name;
  return typeof name === 'string' ? name : '';
}
