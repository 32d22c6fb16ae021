/**
 * Many users in few requests: Graph JSON batching (`POST /v1.0/$batch`, at most 20 requests each).
 *
 * Inner answers come back in any order, each with its own status: a 404 is a deleted user; a 429/503/504 is retried
 * on its own after the largest Retry-After among the throttled items (the outer answer is 200 even then); an item
 * missing from the answer is retried too. When retries run out, RetryLaterError with the delay Graph asked for.
 */
import { PermanentError, RetryLaterError } from '../../errors';
import type { TenantId, UserId, UserSnapshot } from '../../glossary';
import type { Logger } from '../../logger';
import { batchResponseSchema, graphUserSchema } from '../wire-schemas';
import { parseGraphBody, unexpectedAnswer } from './graph-error';
import type { GraphHttp } from './graph-http';
import { isThrottle } from './graph-traffic';
import { parseRetryAfter, sleep } from '../../background/backoff';
import { RETRYABLE_STATUSES, retryDelay } from './retry-policy';
import { USER_SELECT, deletedSnapshot, toUserSnapshot } from './user-snapshot';

export const BATCH_LIMIT = 20;
const PERMISSION = 'User.Read.All';

export async function getUsersBatched(
  http: GraphHttp,
  logger: Logger,
  tenantId: TenantId,
  userIds: readonly UserId[],
): Promise<Map<UserId, UserSnapshot>> {
  const unique = [...new Set(userIds)];
  const result = new Map<UserId, UserSnapshot>();
  for (let start = 0; start < unique.length; start += BATCH_LIMIT) {
    const chunk = unique.slice(start, start + BATCH_LIMIT);
    for (const [id, snapshot] of await batchWithItemRetries(http, logger, tenantId, chunk))
      result.set(id, snapshot);
  }
  return result;
}

async function batchWithItemRetries(
  http: GraphHttp,
  logger: Logger,
  tenantId: TenantId,
  ids: UserId[],
): Promise<Map<UserId, UserSnapshot>> {
  const done = new Map<UserId, UserSnapshot>();
  let pending = ids;
  for (let tries = 0; ; tries++) {
    const { retry, retryAfterMs } = await sendBatch(http, tenantId, pending, done);
    if (retry.length === 0) return done;
    const delay = retryDelay(tries, retryAfterMs, http.retry);
    if (tries >= http.retry.maxRetries || delay > http.retry.maxDelayMs) {
      const delayMs = retryAfterMs ?? Math.max(delay, http.retry.baseDelayMs);
      throw new RetryLaterError(
        `Graph kept throttling ${retry.length} of ${ids.length} users in a $batch after ${tries + 1} attempt(s); try again in ${Math.ceil(delayMs / 1000)} s`,
        delayMs,
      );
    }
    logger.warn(
      { tenantId, throttled: retry.length, retryInMs: delay },
      'graph $batch items throttled: retrying them alone',
    );
    // Throttled items share the app+tenant budget: no request for the tenant before their Retry-After.
    if (retryAfterMs !== null) http.holdUntil(tenantId, Date.now() + retryAfterMs);
    await sleep(delay);
    pending = retry;
  }
}

async function sendBatch(
  http: GraphHttp,
  tenantId: TenantId,
  ids: UserId[],
  done: Map<UserId, UserSnapshot>,
): Promise<{ retry: UserId[]; retryAfterMs: number | null }> {
  const requests = ids.map((id, index) => ({
    id: String(index + 1),
    method: 'GET',
    url: `/users/${encodeURIComponent(id)}?$select=${USER_SELECT}`,
  }));
  const answer = await http.send(tenantId, { method: 'POST', path: '/$batch', body: { requests } });
  if (answer.status !== 200) throw unexpectedAnswer(answer, PERMISSION);
  const batch = parseGraphBody(batchResponseSchema, answer.body, answer.what);
  const observedAt = new Date().toISOString();
  const retry: UserId[] = [];
  let retryAfterMs: number | null = null;
  const answered = new Set<string>();
  for (const item of batch.responses) {
    const userId = ids[Number(item.id) - 1];
    if (userId === undefined || answered.has(item.id)) continue;
    answered.add(item.id);
    const what = `${answer.what} item ${item.id} (GET /users/${userId})`;
    if (item.status === 200) {
      const user = parseGraphBody(graphUserSchema, item.body, what);
      done.set(userId, toUserSnapshot(tenantId, user, observedAt));
    } else if (item.status === 404) {
      done.set(userId, deletedSnapshot(tenantId, userId, observedAt));
    } else if (RETRYABLE_STATUSES.has(item.status) || item.status >= 500) {
      retry.push(userId);
      const retryAfterHeader = headerOf(item.headers, 'retry-after');
      if (isThrottle(item.status, retryAfterHeader)) {
        http.observer?.throttled({ route: 'batch_item', status: item.status });
      }
      const after = parseRetryAfter(retryAfterHeader, Date.now());
      if (after !== null) retryAfterMs = Math.max(retryAfterMs ?? 0, after);
    } else {
      const error = unexpectedAnswer(
        { status: item.status, headers: new Headers(item.headers ?? {}), body: item.body, what },
        PERMISSION,
      );
      throw error instanceof PermanentError
        ? error
        : new PermanentError('graph-request', error.message, { cause: error });
    }
  }
  // Graph may leave an item out of the answer: ask again rather than lose the user.
  ids.forEach((id, index) => {
    if (!answered.has(String(index + 1))) retry.push(id);
  });
  return { retry, retryAfterMs };
}

/** Inner headers are a plain object whose casing varies ("Retry-After", "retry-after"). */
function headerOf(headers: Record<string, string> | null | undefined, name: string): string | null {
  if (!headers) return null;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? null : (headers[key] ?? null);
}
