/**
 * License activities on one user in a window, from the directory audit log: one `$filter` query per account and
 * window (target id and activityDateTime range), its nextLink pages followed as given. Several such queries due
 * together go out as one JSON `$batch` of up to 20 (the swap follow-ups of a burst), each item's further pages on
 * their own; an item that fails fails alone, as an error in its slot.
 */
import { z } from 'zod';
import { PermanentError, RetryLaterError } from '../../errors';
import type { IsoTime, LicenseActivity, TenantId, UserId } from '../../glossary';
import type { Logger } from '../../logger';
import { parseRetryAfter } from '../../background/backoff';
import { parseLicenseActivities } from '../audit/license-activities';
import type { LicenseActivityQuery } from '../graph-reader';
import { batchResponseSchema, graphDateTime } from '../wire-schemas';
import { parseGraphBody, unexpectedAnswer } from './graph-error';
import type { GraphHttp } from './graph-http';
import { isThrottle } from './graph-traffic';
import { BATCH_LIMIT } from './users-batch';

const PERMISSION = 'AuditLog.Read.All';
/** A runaway nextLink chain must end: 30 days of one user's audit records never fill this many pages. */
const MAX_AUDIT_PAGES = 50;

/** Directory audits come back page by page; records are validated one by one by the audit parser. */
const auditPageEnvelope = z.looseObject({
  value: z.array(z.unknown()),
  '@odata.nextLink': z.string().optional(),
});

/** The first page's path (below /v1.0) of the query for one account and window. */
export function licenseActivitiesPath(userId: UserId, from: IsoTime, to: IsoTime): string {
  // Datetime literals are unquoted in this $filter, so they must be datetimes and nothing else; the id is quoted.
  for (const [name, value] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (!graphDateTime.safeParse(value).success) {
      throw new PermanentError(
        'invalid-argument',
        `getLicenseActivities: ${name} must be an ISO-8601 date-time, got ${JSON.stringify(value)}`,
      );
    }
  }
  const filter = `targetResources/any(t: t/id eq '${userId.replace(/'/g, "''")}') and activityDateTime ge ${from} and activityDateTime le ${to}`;
  return `/auditLogs/directoryAudits?$filter=${encodeURIComponent(filter)}`;
}

export async function readLicenseActivities(
  http: GraphHttp,
  logger: Logger,
  tenantId: TenantId,
  query: LicenseActivityQuery,
): Promise<LicenseActivity[]> {
  const records: unknown[] = [];
  await followPages(
    http,
    tenantId,
    query.userId,
    licenseActivitiesPath(query.userId, query.from, query.to),
    records,
    0,
  );
  return toActivities(logger, tenantId, query.userId, records);
}

/** Many queries of one tenant, 20 per `$batch`; each slot is the query's activities or the error that stopped it. */
export async function readLicenseActivitiesBatched(
  http: GraphHttp,
  logger: Logger,
  tenantId: TenantId,
  queries: readonly LicenseActivityQuery[],
): Promise<Array<LicenseActivity[] | Error>> {
  const results: Array<LicenseActivity[] | Error> = [];
  for (let start = 0; start < queries.length; start += BATCH_LIMIT) {
    results.push(...(await oneBatch(http, logger, tenantId, queries.slice(start, start + BATCH_LIMIT))));
  }
  return results;
}

async function oneBatch(
  http: GraphHttp,
  logger: Logger,
  tenantId: TenantId,
  queries: readonly LicenseActivityQuery[],
): Promise<Array<LicenseActivity[] | Error>> {
  // One query alone gains nothing from the envelope.
  if (queries.length === 1 && queries[0] !== undefined) {
    return [await readLicenseActivities(http, logger, tenantId, queries[0]).catch(asError)];
  }
  const slots: Array<LicenseActivity[] | Error> = queries.map(() => new Error('not answered yet'));
  const requests: Array<{ id: string; method: 'GET'; url: string }> = [];
  queries.forEach((query, index) => {
    try {
      requests.push({
        id: String(index + 1),
        method: 'GET',
        url: licenseActivitiesPath(query.userId, query.from, query.to),
      });
    } catch (error) {
      slots[index] = asError(error);
    }
  });
  if (requests.length === 0) return slots;
  const answer = await http.send(tenantId, { method: 'POST', path: '/$batch', body: { requests } });
  if (answer.status !== 200) throw unexpectedAnswer(answer, PERMISSION);
  const batch = parseGraphBody(batchResponseSchema, answer.body, answer.what);
  const answered = new Set<number>();
  await Promise.all(
    batch.responses.map(async (item) => {
      const index = Number(item.id) - 1;
      const query = queries[index];
      if (query === undefined || answered.has(index)) return;
      answered.add(index);
      slots[index] = await itemActivities(http, logger, tenantId, query, item).catch(asError);
    }),
  );
  // Graph may leave an item out of the answer: read that one alone rather than lose it.
  await Promise.all(
    requests.map(async ({ id }) => {
      const index = Number(id) - 1;
      const query = queries[index];
      if (answered.has(index) || query === undefined) return;
      slots[index] = await readLicenseActivities(http, logger, tenantId, query).catch(asError);
    }),
  );
  return slots;
}

async function itemActivities(
  http: GraphHttp,
  logger: Logger,
  tenantId: TenantId,
  query: LicenseActivityQuery,
  item: { id: string; status: number; headers?: Record<string, string> | null; body?: unknown },
): Promise<LicenseActivity[]> {
  const what = `POST /$batch item ${item.id} (directoryAudits for ${query.userId})`;
  if (item.status !== 200) {
    const retryAfter = headerOf(item.headers, 'retry-after');
    if (isThrottle(item.status, retryAfter) || item.status >= 500) {
      if (isThrottle(item.status, retryAfter))
        http.observer?.throttled({ route: 'batch_item', status: item.status });
      // Read alone: its own request gets the client's retries and Retry-After handling.
      const after = parseRetryAfter(retryAfter, Date.now());
      if (after !== null) http.holdUntil(tenantId, Date.now() + after);
      return readLicenseActivities(http, logger, tenantId, query);
    }
    const error = unexpectedAnswer(
      { status: item.status, headers: new Headers(item.headers ?? {}), body: item.body, what },
      PERMISSION,
    );
    throw error instanceof PermanentError || error instanceof RetryLaterError
      ? error
      : new PermanentError('graph-request', error.message, { cause: error });
  }
  const page = parseGraphBody(auditPageEnvelope, item.body, what);
  const records: unknown[] = [...page.value];
  const next = page['@odata.nextLink'];
  if (next !== undefined) await followPages(http, tenantId, query.userId, next, records, 1);
  return toActivities(logger, tenantId, query.userId, records);
}

async function followPages(
  http: GraphHttp,
  tenantId: TenantId,
  userId: UserId,
  first: string,
  records: unknown[],
  pagesSoFar: number,
): Promise<void> {
  let path: string | null = first;
  for (let page = pagesSoFar; path !== null; page++) {
    if (page >= MAX_AUDIT_PAGES)
      throw new PermanentError(
        'graph-shape',
        `directoryAudits for ${userId} did not end after ${MAX_AUDIT_PAGES} pages`,
      );
    const answer = await http.send(tenantId, { method: 'GET', path });
    if (answer.status !== 200) throw unexpectedAnswer(answer, PERMISSION);
    const body = parseGraphBody(auditPageEnvelope, answer.body, answer.what);
    records.push(...body.value);
    path = body['@odata.nextLink'] ?? null;
  }
}

function toActivities(
  logger: Logger,
  tenantId: TenantId,
  userId: UserId,
  records: unknown[],
): LicenseActivity[] {
  const { activities, problems } = parseLicenseActivities(records, { tenantId, userId });
  for (const problem of problems) {
    logger.warn(
      { tenantId, userId, ...problem },
      'directory audit records could not be read as a license activity',
    );
  }
  return activities;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** Inner headers are a plain object whose casing varies ("Retry-After", "retry-after"). */
function headerOf(headers: Record<string, string> | null | undefined, name: string): string | null {
  if (!headers) return null;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? null : (headers[key] ?? null);
}
