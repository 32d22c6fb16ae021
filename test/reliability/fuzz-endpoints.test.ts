/**
 * Bad input: at least 10,000 malformed, truncated, oversized, wrongly typed and hostile bodies (fast-check, fixed
 * seed) to /notifications, /lifecycle and /api/* (with the API token), against the real service in a child process.
 * Verdict: only 4xx answers (never 5xx, never a 2xx for garbage), the process stays up, nothing enqueued (queue stats
 * unchanged), resident memory stable (growth after warm-up bounded).
 *
 * Bounded inputs (issue 18 item 5): durations too long for a Date, dates out of the calendar and tenant ids that are
 * neither a GUID nor a domain name, in every API field that takes them: each is a 400, never a 500 or a 2xx.
 */
import fc from 'fast-check';
import { createEmbeddedQueue } from '../../src/queue/embedded/adapter';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { API_TOKEN, CLIENT_STATE, notificationBody } from './support/reliability-tenant';
import { rssBytes, startServiceProcess, type ServiceProcess } from './support/service-process';
import { printVerdict } from './support/verdict';

const SEED = 20261127;
const TENANT = '5ce00007-7d2b-4c8e-9a61-3b0d4e2f8c17';
const USER = '07000001-9b84-4e7a-8c15-6d2e0f9b7a41';
const RSS_GROWTH_LIMIT = 96 * 1024 * 1024;

interface FuzzCase {
  kind: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  body: string;
  contentType: string;
}

const validNotification = notificationBody(TENANT, [USER, USER.replace('01', '02')]);
const validLifecycle = JSON.stringify({
  value: [
    {
      subscriptionId: 'b3b7c2a4-0d6e-4f18-9a3c-5e21f7d90b64',
      lifecycleEvent: 'reauthorizationRequired',
      clientState: CLIENT_STATE,
      organizationId: TENANT,
      tenantId: TENANT,
    },
  ],
});

/** Any JSON value except an array (an array of notifications can be valid; the envelope is never an array). */
const notAnArray = fc
  .anything({ maxDepth: 3, withNullPrototype: false })
  .filter((v) => !Array.isArray(v) && v !== undefined);

function graphBodies(valid: string): fc.Arbitrary<[string, string]> {
  return fc.oneof(
    // malformed: text that is not JSON (or not an object)
    fc.string({ maxLength: 200 }).map((s): [string, string] => ['malformed', s]),
    // truncated: a valid body cut short
    fc
      .integer({ min: 0, max: valid.length - 2 })
      .map((n): [string, string] => ['truncated', valid.slice(0, n)]),
    // wrongly typed envelope and items
    notAnArray.map((v): [string, string] => ['wrong type', JSON.stringify({ value: v })]),
    fc
      .array(
        fc.record({
          changeType: fc.oneof(fc.integer(), fc.constant(null), fc.string({ maxLength: 5 })),
          clientState: fc.oneof(fc.integer(), fc.boolean(), fc.constant(CLIENT_STATE)),
          resource: fc.oneof(fc.integer(), fc.array(fc.string(), { maxLength: 2 })),
          lifecycleEvent: fc.oneof(fc.integer(), fc.constant(null)),
          subscriptionId: fc.oneof(fc.integer(), fc.constant(null)),
        }),
        { minLength: 1, maxLength: 5 },
      )
      .map((items): [string, string] => ['wrong type items', JSON.stringify({ value: items })]),
    // hostile: prototype pollution, deep nesting, enormous strings, control characters
    fc.constantFrom<[string, string]>(
      ['hostile', '{"__proto__":{"polluted":true},"value":[{"__proto__":{"admin":true}}]}'],
      ['hostile', '{"constructor":{"prototype":{"polluted":true}},"value":"x"}'],
      ['hostile', `${'['.repeat(5000)}${']'.repeat(5000)}`],
      ['hostile', `{"value":${'['.repeat(10_000)}`],
      ['hostile', `{"value":[{"changeType":"updated","resource":"${'A'.repeat(200_000)}"}]}`],
      ['hostile', '{"value":[{"changeType":"updated\\u0000\\u202e","clientState":"\\ud800"}]}'],
      ['hostile', '\u0000\u0001\u0002\ufeff{}'],
    ),
  );
}

const apiPaths = fc.oneof(
  fc
    .string({ maxLength: 40 })
    .map((id) => ['POST', `/api/alerts/${encodeURIComponent(id || 'x')}/ack`] as const),
  fc
    .string({ maxLength: 40 })
    .map((id) => ['PUT', `/api/resource-accounts/${encodeURIComponent(id || 'x')}`] as const),
  fc.constant(['POST', '/api/replay'] as const),
  fc.constant(['POST', '/api/subscriptions'] as const),
  fc.constant(['POST', '/api/audit'] as const),
  fc
    .string({ maxLength: 40 })
    .map((id) => ['POST', `/api/dead-letters/${encodeURIComponent(id || 'x')}/retry`] as const),
);
const apiBodies = fc.oneof(
  fc.string({ maxLength: 200 }).map((s) => ['malformed', `{${s}`] as const),
  notAnArray.map(
    (v) =>
      [
        'wrong type',
        JSON.stringify(
          typeof v === 'object' && v !== null ? { ...v, tenantId: 42, preview: 'yes', from: [] } : v,
        ),
      ] as const,
  ),
  fc.constantFrom(
    ['hostile', '{"__proto__":{"isAdmin":true},"tenantId":{"$ne":null}}'] as const,
    ['hostile', `{"note":"${'x'.repeat(300_000)}"}`] as const,
    ['hostile', `${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`] as const,
    ['hostile', '{"tenantId":"\' OR 1=1; DROP TABLE alerts; --","isResourceAccount":"maybe"}'] as const,
  ),
);

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
/** The longest duration before now a replay may start at (replay-range.ts): 36500 days. */
const MAX_DURATION_MS = 36_500 * 86_400_000;

/** A duration past the bound, in any unit, up to numbers far beyond what a Date holds. */
const longDurations = fc
  .constantFrom(...(Object.keys(UNIT_MS) as Array<keyof typeof UNIT_MS>))
  .chain((unit) =>
    fc
      .bigInt({ min: BigInt(Math.floor(MAX_DURATION_MS / UNIT_MS[unit])) + 1n, max: 10n ** 40n })
      .map((n) => `${n}${unit}`),
  );

const pad = (n: number, width: number): string => String(n).padStart(width, '0');
/** An ISO-shaped time with a month, day, hour or minute outside the calendar. */
const impossibleDates = fc
  .record({
    y: fc.integer({ min: 0, max: 9999 }),
    mo: fc.integer({ min: 0, max: 99 }),
    d: fc.integer({ min: 0, max: 99 }),
    h: fc.integer({ min: 0, max: 99 }),
    mi: fc.integer({ min: 0, max: 99 }),
  })
  .filter(({ mo, d, h, mi }) => mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59)
  .map(({ y, mo, d, h, mi }) => `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:00Z`);

/** Text that is neither a GUID nor a domain name: it holds a character neither may contain, or is a known trick. */
const badTenantIds = fc.oneof(
  fc
    .tuple(
      fc.string({ maxLength: 30 }),
      fc.constantFrom('/', '\\', ' x', '%', '?', '#', ':', '@', '<', '_', '*'),
    )
    .map(([s, bad]) => `${s}${bad}`),
  fc.constantFrom(
    '../../etc',
    '..',
    'https://evil.example',
    'contoso..com',
    '-contoso.com',
    'contoso-.com',
    'localhost',
    `${'a'.repeat(64)}.com`,
    `${'abc.'.repeat(70)}com`,
    '5f1c9a3e-7d2b-4c8e-9a61-3b0d4e2f8c1',
    '{5f1c9a3e-7d2b-4c8e-9a61-3b0d4e2f8c17}',
  ),
);

/** Each request shape that takes a tenant id, with `id` in it. */
function tenantCases(id: string): FuzzCase[] {
  const q = encodeURIComponent(id);
  const get = (path: string): FuzzCase => ({
    kind: 'bad tenant',
    method: 'GET',
    path,
    body: '',
    contentType: '',
  });
  const post = (method: FuzzCase['method'], path: string, body: object): FuzzCase => ({
    kind: 'bad tenant',
    method,
    path,
    body: JSON.stringify({ ...body, tenantId: id }),
    contentType: 'application/json',
  });
  return [
    get(`/api/alerts?tenantId=${q}`),
    get(`/api/replay?tenantId=${q}`),
    get(`/api/resource-accounts?tenantId=${q}`),
    get(`/api/subscriptions?tenantId=${q}`),
    get(`/api/console/summary?tenantId=${q}`),
    post('POST', '/api/audit', {}),
    post('POST', '/api/subscriptions', { resource: 'users' }),
    post('PUT', `/api/resource-accounts/${USER}`, { isResourceAccount: true }),
    post('POST', '/api/replay', { from: '7d', preview: true }),
  ];
}

function boundedInputCases(): FuzzCase[] {
  const sample = <T>(arb: fc.Arbitrary<T>, n: number, offset: number): T[] =>
    fc.sample(arb, { seed: SEED + offset, numRuns: n });
  const replay = (kind: string, body: object): FuzzCase => ({
    kind,
    method: 'POST',
    path: '/api/replay',
    body: JSON.stringify({ ...body, preview: true }),
    contentType: 'application/json',
  });
  return [
    ...sample(longDurations, 300, 11).flatMap((d) => [
      replay('long duration', { from: d }),
      replay('long duration', { from: '7d', to: d }),
    ]),
    ...sample(impossibleDates, 300, 12).flatMap((d) => [
      replay('impossible date', { from: d }),
      replay('impossible date', { from: '7d', to: d }),
    ]),
    ...sample(badTenantIds, 120, 13).flatMap(tenantCases),
  ];
}

function cases(): FuzzCase[] {
  const sample = <T>(arb: fc.Arbitrary<T>, n: number, offset: number): T[] =>
    fc.sample(arb, { seed: SEED + offset, numRuns: n });
  const notifications = sample(graphBodies(validNotification), 4_000, 1).map(([kind, body]): FuzzCase => ({
    kind: `/notifications ${kind}`,
    method: 'POST',
    path: '/notifications',
    body,
    contentType: 'application/json',
  }));
  const lifecycle = sample(graphBodies(validLifecycle), 3_000, 2).map(([kind, body]): FuzzCase => ({
    kind: `/lifecycle ${kind}`,
    method: 'POST',
    path: '/lifecycle',
    body,
    contentType: 'application/json',
  }));
  const api = sample(fc.tuple(apiPaths, apiBodies), 3_200, 3).map(
    ([[method, path], [kind, body]]): FuzzCase => ({
      kind: `/api ${kind}`,
      method,
      path,
      body,
      contentType: 'application/json',
    }),
  );
  const oversized = 'x'.repeat(5 * 1024 * 1024);
  const big = Array.from({ length: 10 }, (_, k): FuzzCase => ({
    kind: 'oversized',
    method: 'POST',
    path: k % 2 === 0 ? '/notifications' : '/lifecycle',
    body: `{"value":["${oversized}"]}`,
    contentType: 'application/json',
  }));
  const wrongType = Array.from({ length: 10 }, (_, k): FuzzCase => ({
    kind: 'wrong content type',
    method: 'POST',
    path: '/api/replay',
    body: `<xml>${k}</xml>`,
    contentType: 'application/xml',
  }));
  return [...notifications, ...lifecycle, ...api, ...big, ...wrongType];
}

describe('fuzzing the endpoints with bad input', () => {
  let db: TestDatabase | null = null;
  let service: ServiceProcess | null = null;
  afterEach(async () => {
    await service?.kill('SIGKILL');
    await db?.drop();
    service = null;
    db = null;
  });

  it('answers only 4xx, stays up, enqueues nothing and keeps its memory', async () => {
    db = await createTestDatabase('sqlite');
    const queue = createEmbeddedQueue(db.database, { maxDeliveries: 10 });
    service = await startServiceProcess({
      DATABASE_URL: db.url,
      CLIENT_STATE,
      API_TOKEN,
      GRAPH_BASE_URL: 'http://127.0.0.1:9',
      GRAPH_ACCESS_TOKEN: 'unused',
    });
    const pid = service.child.pid!;
    const all = cases();
    const before = await queue.stats();
    const statuses = new Map<number, number>();
    const unexpected: string[] = [];
    let rssAfterWarmUp = 0;
    let rssPeak = 0;
    let index = 0;
    const runner = async (): Promise<void> => {
      while (index < all.length) {
        const c = all[index++]!;
        let status = 0;
        try {
          const res = await fetch(`${service!.url}${c.path}`, {
            method: c.method,
            headers: { 'content-type': c.contentType, authorization: `Bearer ${API_TOKEN}` },
            body: c.body,
            signal: AbortSignal.timeout(15_000),
          });
          status = res.status;
          await res.arrayBuffer();
        } catch {
          status = 0; // the server may close the connection after a 413 before reading the rest
        }
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        const acceptable = (status >= 400 && status < 500) || (status === 0 && c.kind === 'oversized');
        if (!acceptable && unexpected.length < 20)
          unexpected.push(`${c.kind} ${c.method} ${c.path} → ${status}: ${c.body.slice(0, 120)}`);
        if (index === 1_000 && rssAfterWarmUp === 0) rssAfterWarmUp = await rssBytes(pid);
        if (index % 500 === 0) rssPeak = Math.max(rssPeak, await rssBytes(pid));
      }
    };
    await Promise.all(Array.from({ length: 16 }, runner));
    const rssEnd = await rssBytes(pid);
    rssPeak = Math.max(rssPeak, rssEnd);
    const health = await fetch(`${service.url}/healthz`)
      .then((r) => r.status)
      .catch(() => 0);
    const after = await queue.stats();
    const enqueued =
      after.ready +
      after.scheduled +
      after.inFlight +
      after.deadLettered -
      (before.ready + before.scheduled + before.inFlight + before.deadLettered);

    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
    const lost = printVerdict({
      scenario: 'bad input fuzzing (sqlite, child process)',
      sent: [
        `${all.length} bad bodies (fast-check seed ${SEED}): ${[...new Set(all.map((c) => c.kind))].length} kinds over /notifications, /lifecycle, /api/*`,
      ],
      saw: [
        `answers: ${[...statuses.entries()]
          .sort(([a], [b]) => a - b)
          .map(([s, n]) => `${n} × ${s === 0 ? 'connection closed' : s}`)
          .join(', ')}`,
        `process up afterwards: ${service.child.exitCode === null ? 'yes' : 'no'} (/healthz ${health}); queue before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`,
        `RSS after warm-up ${mb(rssAfterWarmUp)}, peak ${mb(rssPeak)}, end ${mb(rssEnd)} (limit: +${mb(RSS_GROWTH_LIMIT)})`,
        ...unexpected.map((u) => `unexpected: ${u}`),
      ],
      // Bad input must produce nothing: published 0, and anything enqueued would show up as lost.
      published: 0,
      processed: -enqueued,
      deadLettered: 0,
    });
    expect(all.length).toBeGreaterThanOrEqual(10_000);
    expect(unexpected).toEqual([]);
    expect(service.child.exitCode).toBeNull();
    expect(health).toBe(200);
    expect(after).toEqual(before);
    expect(lost).toBe(0);
    expect(rssEnd - rssAfterWarmUp).toBeLessThan(RSS_GROWTH_LIMIT);
    await queue.close();
  });

  it('refuses durations, dates and tenant ids out of bounds with a 400, in every field that takes them', async () => {
    db = await createTestDatabase('sqlite');
    service = await startServiceProcess({
      DATABASE_URL: db.url,
      CLIENT_STATE,
      API_TOKEN,
      GRAPH_BASE_URL: 'http://127.0.0.1:9',
      GRAPH_ACCESS_TOKEN: 'unused',
    });
    const all = boundedInputCases();
    const statuses = new Map<number, number>();
    const unexpected: string[] = [];
    let index = 0;
    const runner = async (): Promise<void> => {
      while (index < all.length) {
        const c = all[index++]!;
        const res = await fetch(`${service!.url}${c.path}`, {
          method: c.method,
          headers: {
            authorization: `Bearer ${API_TOKEN}`,
            ...(c.contentType === '' ? {} : { 'content-type': c.contentType }),
          },
          ...(c.method === 'GET' ? {} : { body: c.body }),
          signal: AbortSignal.timeout(15_000),
        });
        const text = await res.text();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status !== 400 && unexpected.length < 20)
          unexpected.push(
            `${c.kind} ${c.method} ${c.path} → ${res.status} ${text.slice(0, 120)}: ${c.body.slice(0, 120)}`,
          );
      }
    };
    await Promise.all(Array.from({ length: 8 }, runner));
    printVerdict({
      scenario: 'bounded inputs (sqlite, child process)',
      sent: [`${all.length} out-of-bound durations, dates and tenant ids (fast-check seed ${SEED})`],
      saw: [
        `answers: ${[...statuses.entries()].map(([s, n]) => `${n} × ${s}`).join(', ')}`,
        ...unexpected.map((u) => `unexpected: ${u}`),
      ],
      published: 0,
      processed: 0,
      deadLettered: 0,
    });
    expect(all.length).toBeGreaterThanOrEqual(2_000);
    expect(unexpected).toEqual([]);
    // A GUID and a domain name still pass the same fields.
    for (const tenant of [TENANT, 'contoso.onmicrosoft.com']) {
      const res = await fetch(`${service.url}/api/alerts?tenantId=${tenant}`, {
        headers: { authorization: `Bearer ${API_TOKEN}` },
      });
      expect(res.status).toBe(200);
    }
  });
});
