/**
 * The Store port's contract for recordObservation, alerts and the outbox, over both engines.
 */
import { createStore } from '../../src/store/sql-store';
import type { Alert, OutboxKind } from '../../src/glossary';
import type { Store } from '../../src/store/store';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases';
import { change, OTHER_TENANT, snapshot, TENANT, tenantFinding, userFinding } from './store-fixtures';

const routing = (_alert: Alert, kind: OutboxKind): string[] =>
  kind === 'opened' ? ['slack', 'log'] : ['slack'];
const USER_RULES = ['ra.unlicensed' as const, 'ra.standard-on-ra' as const];

describe.each(ENGINES)('store on %s: observations, alerts and the outbox', (engine) => {
  let testDb: TestDatabase;
  let store: Store;

  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    store = createStore(testDb.database);
  });
  afterAll(async () => {
    await testDb.drop();
  });

  it('opens, keeps open, resolves and reopens an alert, with outbox entries for opened and resolved only', async () => {
    const user = 'user-cycle';
    const scope = { tenantId: TENANT, userId: user, ruleIds: USER_RULES };
    const finding = userFinding('ra.unlicensed', user);

    const first = await store.recordObservation(
      {
        snapshot: snapshot(user),
        change: change(user, '2026-01-01T10:00:00Z'),
        scope,
        findings: [finding],
        at: '2026-01-01T10:00:01Z',
      },
      routing,
    );
    expect(first.eventId).not.toBeNull();
    expect(first.opened).toHaveLength(1);
    expect(first.stillOpen).toEqual([]);
    const opened = first.opened[0]!;
    expect(opened).toMatchObject({
      tenantId: TENANT,
      userId: user,
      ruleId: 'ra.unlicensed',
      state: 'open',
      seenCount: 1,
      eventId: first.eventId,
      replayed: false,
      firstSeenAt: '2026-01-01T10:00:01.000Z',
    });
    expect(await store.alerts.get(opened.id)).toEqual(opened);
    const openedOutbox = await store.outbox.listForAlert(opened.id);
    expect(openedOutbox.map((entry) => [entry.kind, entry.sink, entry.status]).sort()).toEqual([
      ['opened', 'log', 'pending'],
      ['opened', 'slack', 'pending'],
    ]);

    const again = await store.recordObservation(
      { scope, findings: [{ ...finding, title: 'still a problem' }], at: '2026-01-01T11:00:00Z' },
      routing,
    );
    expect(again).toMatchObject({ eventId: null, opened: [], resolved: [] });
    expect(again.stillOpen).toHaveLength(1);
    expect(again.stillOpen[0]).toMatchObject({
      id: opened.id,
      seenCount: 2,
      lastSeenAt: '2026-01-01T11:00:00.000Z',
    });
    expect((await store.alerts.get(opened.id))?.finding.title).toBe('still a problem');
    expect(await store.outbox.listForAlert(opened.id)).toHaveLength(2);

    const clean = await store.recordObservation({ scope, findings: [], at: '2026-01-01T12:00:00Z' }, routing);
    expect(clean.resolved.map((alert) => alert.id)).toEqual([opened.id]);
    expect(await store.alerts.get(opened.id)).toMatchObject({
      state: 'resolved',
      resolvedAt: '2026-01-01T12:00:00.000Z',
    });
    const afterResolve = await store.outbox.listForAlert(opened.id);
    expect(afterResolve.filter((entry) => entry.kind === 'resolved').map((entry) => entry.sink)).toEqual([
      'slack',
    ]);

    const reopened = await store.recordObservation(
      { scope, findings: [finding], at: '2026-01-01T13:00:00Z' },
      routing,
    );
    expect(reopened.opened).toHaveLength(1);
    expect(reopened.opened[0]!.id).not.toBe(opened.id);
    expect(await store.alerts.list({ tenantId: TENANT, userId: user })).toHaveLength(2);
  });

  it('resolves only alerts of rules in scope on the scope subject', async () => {
    const user = 'user-scope';
    const swap = userFinding('ra.non-atomic-swap', user);
    const unlicensed = userFinding('ra.unlicensed', user);
    const neighbour = userFinding('ra.unlicensed', 'user-neighbour');
    await store.recordObservation(
      {
        scope: { tenantId: TENANT, userId: user, ruleIds: [] },
        findings: [swap, unlicensed],
        at: '2026-01-02T00:00:00Z',
      },
      routing,
    );
    await store.recordObservation(
      {
        scope: { tenantId: TENANT, userId: 'user-neighbour', ruleIds: USER_RULES },
        findings: [neighbour],
        at: '2026-01-02T00:00:00Z',
      },
      routing,
    );
    // A clean evaluation of the user's account rules: the swap (event-shaped, not in scope) stays open.
    const clean = await store.recordObservation(
      {
        scope: { tenantId: TENANT, userId: user, ruleIds: USER_RULES },
        findings: [],
        at: '2026-01-02T01:00:00Z',
      },
      routing,
    );
    expect(clean.resolved.map((alert) => alert.ruleId)).toEqual(['ra.unlicensed']);
    const open = await store.alerts.list({ tenantId: TENANT, state: 'open' });
    expect(open.map((alert) => alert.dedupeKey).sort()).toEqual(
      expect.arrayContaining([swap.dedupeKey, neighbour.dedupeKey]),
    );
    expect(open.map((alert) => alert.dedupeKey)).not.toContain(unlicensed.dedupeKey);
  });

  it('keeps tenant-level alerts apart from user alerts and tenants apart from each other', async () => {
    const allocation = tenantFinding('ra.allocation-exceeded');
    const otherAllocation = tenantFinding('ra.allocation-exceeded', OTHER_TENANT);
    const tenantScope = { tenantId: TENANT, userId: null, ruleIds: ['ra.allocation-exceeded' as const] };
    const opened = await store.recordObservation(
      { scope: tenantScope, findings: [allocation], at: '2026-01-03T00:00:00Z' },
      routing,
    );
    expect(opened.opened[0]).toMatchObject({ userId: null, tenantId: TENANT });
    const other = await store.recordObservation(
      {
        scope: { ...tenantScope, tenantId: OTHER_TENANT },
        findings: [otherAllocation],
        at: '2026-01-03T00:00:00Z',
      },
      routing,
    );
    expect(other.opened).toHaveLength(1);
    // A clean tenant evaluation of one tenant does not touch the other tenant's alert.
    const clean = await store.recordObservation(
      { scope: tenantScope, findings: [], at: '2026-01-03T01:00:00Z' },
      routing,
    );
    expect(clean.resolved.map((alert) => alert.tenantId)).toEqual([TENANT]);
    expect(await store.alerts.list({ tenantId: OTHER_TENANT, state: 'open' })).toHaveLength(1);
  });

  it('writes nothing when any part of the observation fails', async () => {
    const user = 'user-atomic';
    const routingThatFails = (): string[] => {
      throw new Error('routing exploded');
    };
    await expect(
      store.recordObservation(
        {
          snapshot: snapshot(user),
          change: change(user, '2026-01-04T00:00:00Z'),
          scope: { tenantId: TENANT, userId: user, ruleIds: USER_RULES },
          findings: [userFinding('ra.unlicensed', user)],
          at: '2026-01-04T00:00:00Z',
        },
        routingThatFails,
      ),
    ).rejects.toThrow('routing exploded');
    expect(await store.snapshots.get(TENANT, user)).toBeNull();
    expect(await store.events.count({ userId: user })).toBe(0);
    expect(await store.alerts.list({ userId: user })).toEqual([]);
  });

  it('marks alerts raised by a replay and records acknowledgements', async () => {
    const user = 'user-ack';
    const result = await store.recordObservation(
      {
        scope: { tenantId: TENANT, userId: user, ruleIds: USER_RULES },
        findings: [userFinding('ra.standard-on-ra', user)],
        at: '2026-01-05T00:00:00Z',
        replayed: true,
      },
      routing,
    );
    const alert = result.opened[0]!;
    expect(alert.replayed).toBe(true);
    const acknowledged = await store.alerts.acknowledge(
      alert.id,
      'admin@contoso.example',
      'known',
      '2026-02-01T00:00:00Z',
      '2026-01-05T01:00:00Z',
    );
    expect(acknowledged).toMatchObject({
      acknowledgedBy: 'admin@contoso.example',
      acknowledgeReason: 'known',
      snoozedUntil: '2026-02-01T00:00:00.000Z',
      acknowledgedAt: '2026-01-05T01:00:00.000Z',
      state: 'open',
    });
    await expect(
      store.alerts.acknowledge('no-such-alert', 'x', null, null, '2026-01-05T01:00:00Z'),
    ).resolves.toBeNull();
  });

  it('leases due outbox entries to one dispatcher at a time and settles them', async () => {
    await testDb.database.db.deleteFrom('alert_outbox').execute();
    const user = 'user-outbox';
    const { opened } = await store.recordObservation(
      {
        scope: { tenantId: TENANT, userId: user, ruleIds: USER_RULES },
        findings: [userFinding('ra.unlicensed', user)],
        at: '2026-01-06T00:00:00Z',
      },
      routing,
    );
    const now = '2026-01-06T00:00:05Z';
    const [first, second] = await Promise.all([
      store.outbox.claimDue(now, 10, 30_000),
      store.outbox.claimDue(now, 10, 30_000),
    ]);
    const claimedIds = [...first, ...second].map((entry) => entry.id).sort();
    expect(claimedIds).toEqual(
      (await store.outbox.listForAlert(opened[0]!.id)).map((entry) => entry.id).sort(),
    );
    expect(new Set(claimedIds).size).toBe(2);
    const claimed = [...first, ...second];
    expect(
      claimed.every((entry) => entry.attempts === 1 && entry.nextAttemptAt === '2026-01-06T00:00:35.000Z'),
    ).toBe(true);
    expect(claimed[0]!.idempotencyKey).toContain(opened[0]!.id);
    // Leased: not due again until the lease ends.
    await expect(store.outbox.claimDue('2026-01-06T00:00:10Z', 10, 30_000)).resolves.toEqual([]);

    const [slack, log] = [claimed.find((e) => e.sink === 'slack')!, claimed.find((e) => e.sink === 'log')!];
    await store.outbox.markDelivered(log.id, '2026-01-06T00:00:06Z');
    await store.outbox.markRetry(slack.id, 'HTTP 503', '2026-01-06T00:01:00Z');
    const retried = await store.outbox.claimDue('2026-01-06T00:01:00Z', 10, 30_000);
    expect(retried).toMatchObject([{ id: slack.id, attempts: 2, lastError: 'HTTP 503' }]);
    await store.outbox.markDead(slack.id, 'HTTP 404: webhook gone', '2026-01-06T00:02:00Z');
    const final = await store.outbox.listForAlert(opened[0]!.id);
    expect(final.find((e) => e.id === log.id)).toMatchObject({
      status: 'delivered',
      deliveredAt: '2026-01-06T00:00:06.000Z',
    });
    expect(final.find((e) => e.id === slack.id)).toMatchObject({
      status: 'dead',
      lastError: 'HTTP 404: webhook gone',
    });
    await expect(store.outbox.claimDue('2026-01-07T00:00:00Z', 10, 30_000)).resolves.toEqual([]);
  });

  // A burst sent as one summary is settled in one statement per 500 entries (outbox-repository.ts).
  it("marks a summary's entries delivered together, past one statement's worth, and no others", async () => {
    await testDb.database.db.deleteFrom('alert_outbox').execute();
    const users = Array.from({ length: 260 }, (_, i) => `user-burst-${i}`);
    for (const user of users) {
      await store.recordObservation(
        {
          scope: { tenantId: TENANT, userId: user, ruleIds: USER_RULES },
          findings: [userFinding('ra.unlicensed', user)],
          at: '2026-01-08T00:00:00Z',
        },
        routing,
      );
    }
    const claimed = await store.outbox.claimDue('2026-01-08T00:00:05Z', 1000, 30_000);
    // Two sinks per alert: 520 entries, more than one statement's 500.
    expect(claimed).toHaveLength(520);
    const [kept, ...summary] = claimed;
    await store.outbox.markAllDelivered(
      summary.map((entry) => entry.id),
      '2026-01-08T00:00:06Z',
    );
    const rows = await testDb.database.db
      .selectFrom('alert_outbox')
      .select(['id', 'status', 'delivered_at'])
      .execute();
    const delivered = rows.filter((row) => row.status === 'delivered');
    expect(delivered).toHaveLength(519);
    expect(new Set(delivered.map((row) => row.delivered_at))).toEqual(new Set(['2026-01-08T00:00:06.000Z']));
    expect(rows.find((row) => row.id === kept!.id)).toMatchObject({ status: 'pending', delivered_at: null });
  });
});
