/**
 * The Store port's contract for snapshots, the event log, the registry, identifications, subscriptions and
 * settings/leases, over both engines.
 */
import type { LicenseActivity } from '../../src/glossary';
import { createStore } from '../../src/store/sql-store';
import type { Store, StoredSubscription } from '../../src/store/store';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases';
import { change, OTHER_TENANT, snapshot, TENANT } from './store-fixtures';

const noRouting = (): string[] => [];

describe.each(ENGINES)('store on %s: records', (engine) => {
  let testDb: TestDatabase;
  let store: Store;

  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    store = createStore(testDb.database);
  });
  afterAll(async () => {
    await testDb.drop();
  });

  async function observe(userId: string, receivedAt: string, tenantId = TENANT, subscriptionId = 'sub-1') {
    const after = snapshot(userId, { tenantId, observedAt: receivedAt });
    return store.recordObservation(
      {
        snapshot: after,
        change: change(userId, receivedAt, {
          tenantId,
          after,
          source: { kind: 'notification', subscriptionId, messageId: null },
        }),
        scope: { tenantId, userId, ruleIds: [] },
        findings: [],
        at: receivedAt,
      },
      noRouting,
    );
  }

  it('keeps the latest snapshot per tenant and user, listed in pages', async () => {
    await observe('snap-b', '2026-02-01T00:00:00Z');
    await observe('snap-a', '2026-02-01T00:00:01Z');
    await observe('snap-a', '2026-02-01T00:00:02Z');
    await observe('snap-a', '2026-02-01T00:00:03Z', OTHER_TENANT);
    expect((await store.snapshots.get(TENANT, 'snap-a'))?.observedAt).toBe('2026-02-01T00:00:02Z');
    expect((await store.snapshots.get(OTHER_TENANT, 'snap-a'))?.tenantId).toBe(OTHER_TENANT);
    await expect(store.snapshots.get(TENANT, 'nobody')).resolves.toBeNull();
    const page = await store.snapshots.list(TENANT, { afterUserId: 'snap-', limit: 1 });
    expect(page.map((s) => s.userId)).toEqual(['snap-a']);
    const next = await store.snapshots.list(TENANT, { afterUserId: 'snap-a', limit: 1 });
    expect(next.map((s) => s.userId)).toEqual(['snap-b']);
  });

  it('appends events and queries them by tenant, user, subscription and time, in keyset pages', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const { eventId } = await observe(
        `ev-${i % 2}`,
        `2026-03-01T00:0${i}:00Z`,
        TENANT,
        i < 3 ? 'sub-x' : 'sub-y',
      );
      ids.push(eventId!);
    }
    await observe('ev-0', '2026-03-01T00:02:30Z', OTHER_TENANT);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);

    const window = { tenantId: TENANT, from: '2026-03-01T00:01:00Z', to: '2026-03-01T00:04:00.000Z' };
    const inWindow = await store.events.query(window);
    expect(inWindow.map((e) => e.id)).toEqual(ids.slice(1, 4));
    expect(await store.events.count(window)).toBe(3);
    expect(await store.events.count({ tenantId: TENANT, userId: 'ev-0', from: '2026-03-01T00:00:00Z' })).toBe(
      3,
    );
    expect(await store.events.count({ subscriptionId: 'sub-y' })).toBe(2);

    const firstPage = await store.events.query({ tenantId: TENANT, from: '2026-03-01T00:00:00Z', limit: 2 });
    const secondPage = await store.events.query({
      tenantId: TENANT,
      from: '2026-03-01T00:00:00Z',
      limit: 2,
      afterId: firstPage[1]!.id,
    });
    expect([...firstPage, ...secondPage].map((e) => e.id)).toEqual(ids.slice(0, 4));

    const stored = await store.events.get(ids[0]!);
    expect(stored?.change).toMatchObject({
      tenantId: TENANT,
      userId: 'ev-0',
      receivedAt: '2026-03-01T00:00:00Z',
    });
    expect(stored?.recordedAt).toBe('2026-03-01T00:00:00.000Z');
    await expect(store.events.get(999_999)).resolves.toBeNull();
  });

  it('annotates an event with activities learned later, without duplicates', async () => {
    const { eventId } = await observe('annotated', '2026-04-01T00:00:00Z');
    const activity: LicenseActivity = {
      activityId: 'corr-1',
      tenantId: TENANT,
      userId: 'annotated',
      at: '2026-03-31T23:59:00Z',
      initiatedBy: 'admin@contoso.example',
      addedSkuIds: ['sku-ra'],
      removedSkuIds: ['sku-standard'],
      auditRecordIds: ['a1', 'a2'],
    };
    await store.events.annotate(eventId!, { activities: [activity] });
    await store.events.annotate(eventId!, { activities: [activity] });
    const [event] = await store.events.query({ userId: 'annotated' });
    expect(event?.change.activities).toEqual([activity]);
    await expect(store.events.annotate(999_999, { activities: [] })).rejects.toThrow(/does not exist/);
  });

  it('keeps the registry per tenant: put replaces, delete says whether it removed', async () => {
    const entry = {
      tenantId: TENANT,
      userId: 'ra-1',
      isResourceAccount: true,
      application: 'call-queue' as const,
      note: 'Sales queue',
      updatedAt: '2026-05-01T00:00:00Z',
      updatedBy: 'admin',
    };
    await store.registry.put(entry);
    await store.registry.put({ ...entry, note: 'Sales queue (main)' });
    await store.registry.put({ ...entry, tenantId: OTHER_TENANT, isResourceAccount: false });
    expect(await store.registry.get(TENANT, 'ra-1')).toEqual({
      ...entry,
      note: 'Sales queue (main)',
      updatedAt: '2026-05-01T00:00:00.000Z',
    });
    expect((await store.registry.get(OTHER_TENANT, 'ra-1'))?.isResourceAccount).toBe(false);
    expect(await store.registry.list(TENANT)).toHaveLength(1);
    expect(await store.registry.list()).toHaveLength(2);
    await expect(store.registry.delete(TENANT, 'ra-1')).resolves.toBe(true);
    await expect(store.registry.delete(TENANT, 'ra-1')).resolves.toBe(false);
    await expect(store.registry.get(TENANT, 'ra-1')).resolves.toBeNull();
  });

  it('caches identifications and lists the resource accounts of one tenant', async () => {
    const base = {
      detail: 'accountType=resourceAccount',
      application: 'auto-attendant' as const,
      checkedAt: '2026-05-02T00:00:00.000Z',
    };
    await store.identifications.put({
      ...base,
      tenantId: TENANT,
      userId: 'id-1',
      isResourceAccount: true,
      identifiedBy: 'teams-user-configuration',
    });
    await store.identifications.put({
      ...base,
      tenantId: TENANT,
      userId: 'id-2',
      isResourceAccount: false,
      identifiedBy: null,
    });
    await store.identifications.put({
      ...base,
      tenantId: OTHER_TENANT,
      userId: 'id-3',
      isResourceAccount: true,
      identifiedBy: 'convention',
    });
    await store.identifications.put({
      ...base,
      tenantId: TENANT,
      userId: 'id-2',
      isResourceAccount: true,
      identifiedBy: 'convention',
    });
    const accounts = await store.identifications.listResourceAccounts(TENANT);
    expect(accounts.map((a) => [a.userId, a.identifiedBy])).toEqual([
      ['id-1', 'teams-user-configuration'],
      ['id-2', 'convention'],
    ]);
    expect(await store.identifications.get(TENANT, 'id-1')).toMatchObject({
      isResourceAccount: true,
      detail: base.detail,
    });
    await expect(store.identifications.get(TENANT, 'nobody')).resolves.toBeNull();
  });

  it('stores subscriptions: upsert, list per tenant, touch, delete', async () => {
    const subscription: StoredSubscription = {
      id: 'graph-sub-1',
      tenantId: TENANT,
      resource: 'users',
      changeType: 'updated,deleted',
      notificationUrl: 'https://ra-watch.example/notifications',
      lifecycleNotificationUrl: 'https://ra-watch.example/lifecycle',
      expiresAt: '2026-06-01T00:00:00.000Z',
      clientStateRef: 'CLIENT_STATE',
      createdAt: '2026-05-29T00:00:00.000Z',
      lastRenewedAt: null,
      lastNotificationAt: null,
      status: 'active',
    };
    await store.subscriptions.upsert(subscription);
    await store.subscriptions.upsert({ ...subscription, id: 'graph-sub-2', tenantId: OTHER_TENANT });
    await store.subscriptions.upsert({
      ...subscription,
      expiresAt: '2026-06-03T00:00:00.000Z',
      lastRenewedAt: '2026-05-30T00:00:00.000Z',
    });
    await store.subscriptions.touchNotification('graph-sub-1', '2026-05-30T01:00:00Z');
    expect(await store.subscriptions.get('graph-sub-1')).toEqual({
      ...subscription,
      expiresAt: '2026-06-03T00:00:00.000Z',
      lastRenewedAt: '2026-05-30T00:00:00.000Z',
      lastNotificationAt: '2026-05-30T01:00:00.000Z',
    });
    expect((await store.subscriptions.list(TENANT)).map((s) => s.id)).toEqual(['graph-sub-1']);
    expect(await store.subscriptions.list()).toHaveLength(2);
    await expect(store.subscriptions.delete('graph-sub-1')).resolves.toBe(true);
    await expect(store.subscriptions.delete('graph-sub-1')).resolves.toBe(false);
    await expect(store.subscriptions.get('graph-sub-1')).resolves.toBeNull();
  });

  it('keeps settings per tenant', async () => {
    await store.settings.put(TENANT, 'deltaLink', 'https://graph/delta?token=1');
    await store.settings.put(TENANT, 'deltaLink', 'https://graph/delta?token=2');
    await store.settings.put(OTHER_TENANT, 'deltaLink', 'other');
    await expect(store.settings.get(TENANT, 'deltaLink')).resolves.toBe('https://graph/delta?token=2');
    await expect(store.settings.get(OTHER_TENANT, 'deltaLink')).resolves.toBe('other');
    await expect(store.settings.get(TENANT, 'missing')).resolves.toBeNull();
  });

  it('stores a setting only when absent: of racing writers every one reads the first value', async () => {
    const values = await Promise.all(
      ['a', 'b', 'c', 'd'].map((v) =>
        store.settings.putIfAbsent('*', 'generated-client-state', `secret-${v}`),
      ),
    );
    expect(new Set(values).size).toBe(1);
    await expect(store.settings.get('*', 'generated-client-state')).resolves.toBe(values[0]);
    await expect(store.settings.putIfAbsent('*', 'generated-client-state', 'later')).resolves.toBe(values[0]);
  });

  it('grants a lease to one holder at a time, renews it for that holder, and hands it over once it ran out', async () => {
    const now = '2026-07-01T00:00:00Z';
    const until = '2026-07-01T00:01:00Z';
    const contenders = ['replica-1', 'replica-2', 'replica-3', 'replica-4'];
    const results = await Promise.all(
      contenders.map((holder) => store.settings.tryLease('renewal', holder, until, now)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = contenders[results.indexOf(true)]!;
    const loser = contenders.find((holder) => holder !== winner)!;
    await expect(
      store.settings.tryLease('renewal', winner, '2026-07-01T00:02:00Z', '2026-07-01T00:00:30Z'),
    ).resolves.toBe(true);
    await expect(
      store.settings.tryLease('renewal', loser, '2026-07-01T00:03:00Z', '2026-07-01T00:01:30Z'),
    ).resolves.toBe(false);
    await expect(
      store.settings.tryLease('renewal', loser, '2026-07-01T00:03:00Z', '2026-07-01T00:02:00Z'),
    ).resolves.toBe(true);
    await expect(
      store.settings.tryLease('renewal', winner, '2026-07-01T00:04:00Z', '2026-07-01T00:02:30Z'),
    ).resolves.toBe(false);
    await expect(store.settings.tryLease('other-lease', winner, until, now)).resolves.toBe(true);
  });

  it('answers ping', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });
});
