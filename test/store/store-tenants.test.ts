/**
 * The tenant registry (issue 19) over both engines: ids kept lower-case, names and settings round-trip, and purge
 * deletes every stored row of one tenant and none of another's.
 */
import { createStore } from '../../src/store/sql-store';
import type { Store, TenantRecord } from '../../src/store/store';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases';
import { change, snapshot } from './store-fixtures';

const A = '11111111-2222-4333-8444-555555555555';
const B = '66666666-7777-4888-9999-000000000000';

function tenant(id: string, overrides: Partial<TenantRecord> = {}): TenantRecord {
  return {
    id,
    displayName: 'Contoso Ltd',
    defaultDomain: 'contoso.onmicrosoft.com',
    status: 'active',
    statusDetail: null,
    addedAt: '2026-03-01T10:00:00Z',
    addedBy: 'cli',
    checkedAt: null,
    settings: {},
    ...overrides,
  };
}

describe.each(ENGINES)('store on %s: tenants', (engine) => {
  let testDb: TestDatabase;
  let store: Store;

  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    store = createStore(testDb.database);
  });
  afterAll(async () => {
    await testDb.drop();
  });

  it('keeps a tenant by its lower-case id, with its names, status and settings, and lists in the order added', async () => {
    await store.tenants.put(
      tenant(B.toUpperCase(), { addedAt: '2026-03-02T00:00:00Z', settings: { note: 'x' } }),
    );
    await store.tenants.put(tenant(A, { status: 'pending-consent', statusDetail: 'not consented' }));
    const b = await store.tenants.get(B.toUpperCase());
    expect(b).toEqual(
      tenant(B, { addedAt: '2026-03-02T00:00:00.000Z', addedBy: 'cli', settings: { note: 'x' } }),
    );
    expect((await store.tenants.list()).map((t) => [t.id, t.status])).toEqual([
      [A, 'pending-consent'],
      [B, 'active'],
    ]);
    await store.tenants.put(tenant(A, { status: 'removed', checkedAt: '2026-03-03T00:00:00Z' }));
    expect((await store.tenants.get(A))?.status).toBe('removed');
    expect((await store.tenants.get(A))?.checkedAt).toBe('2026-03-03T00:00:00.000Z');
    await expect(store.tenants.get('99999999-2222-4333-8444-555555555555')).resolves.toBeNull();
  });

  it("purges one tenant's snapshots, events, alerts, subscriptions and settings, leaving the other's", async () => {
    for (const tenantId of [A, B]) {
      const at = '2026-03-04T00:00:00.000Z';
      await store.recordObservation(
        {
          snapshot: snapshot('u1', { tenantId, observedAt: at }),
          change: change('u1', at, { tenantId }),
          scope: { tenantId, userId: 'u1', ruleIds: [] },
          findings: [],
          at,
        },
        () => [],
      );
      await store.settings.put(tenantId, 'k', 'v');
      await store.subscriptions.upsert({
        id: `sub-${tenantId}`,
        tenantId,
        resource: 'users',
        changeType: 'updated,deleted',
        notificationUrl: 'https://ra-watch.example/notifications',
        lifecycleNotificationUrl: null,
        expiresAt: '2026-03-06T00:00:00Z',
        clientStateRef: 'CLIENT_STATE#1',
        createdAt: at,
        lastRenewedAt: null,
        lastNotificationAt: null,
        status: 'active',
      });
    }
    const route = (id: string, tenantIds: string[]) =>
      store.routes.insert({
        id,
        tenantIds,
        severities: ['critical'],
        channels: ['noc'],
        alsoDefault: false,
        createdAt: '2026-03-04T00:00:00.000Z',
        createdBy: null,
      });
    await route('only-a', [A]);
    await route('a-and-b', [A, B]);
    await route('every-tenant', []);
    const counts = await store.tenants.purgeData(A);
    expect(counts).toMatchObject({
      events: 1,
      user_snapshots: 1,
      subscriptions: 1,
      settings: 1,
      alert_routes: 1,
      alert_routes_narrowed: 1,
    });
    // A route for A alone is gone, not emptied (an empty list means every tenant); a shared one keeps B.
    expect((await store.routes.list()).map((r) => [r.id, r.tenantIds])).toEqual([
      ['a-and-b', [B]],
      ['every-tenant', []],
    ]);
    expect(await store.snapshots.get(A, 'u1')).toBeNull();
    expect(await store.events.count({ tenantId: A })).toBe(0);
    expect(await store.subscriptions.list(A)).toEqual([]);
    expect(await store.settings.get(A, 'k')).toBeNull();
    expect(await store.snapshots.get(B, 'u1')).not.toBeNull();
    expect(await store.events.count({ tenantId: B })).toBe(1);
    expect(await store.subscriptions.list(B)).toHaveLength(1);
    expect(await store.tenants.delete(A)).toBe(true);
    expect(await store.tenants.delete(A)).toBe(false);
  });
});
