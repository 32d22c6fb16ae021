/**
 * Per-tenant job leases (issue 21) on both engines: replicas sharing one database (each with its own store, as
 * separate processes would have) run a job once per tenant per interval, spread the tenants between them, and take
 * over the tenants of a replica that died once its leases expire.
 */
import { perTenantJob } from '../../src/background/per-tenant-job';
import { silentLogger } from '../../src/logger';
import { createStore } from '../../src/store/sql-store';
import { ENGINES, createTestDatabase, type TestDatabase } from '../support/databases';

const MINUTE = 60_000;
const TENANTS = ['tenant-a', 'tenant-b', 'tenant-c', 'tenant-d', 'tenant-e', 'tenant-f'];

describe.each(ENGINES)('per-tenant jobs on %s', (engine) => {
  let db: TestDatabase;
  let clock: Date;
  beforeEach(async () => {
    db = await createTestDatabase(engine);
    clock = new Date('2026-12-03T09:00:00.000Z');
  });
  afterEach(() => db.drop());

  const replica = (holder: string, ran: string[], fail = new Set<string>()) =>
    perTenantJob({
      job: 'delta-reconcile',
      store: createStore(db.database),
      logger: silentLogger(),
      holder,
      now: () => clock,
      intervalMs: 15 * MINUTE,
      tenants: () => TENANTS,
      run: (tenantId) => {
        ran.push(`${holder}:${tenantId}`);
        return fail.has(tenantId) ? Promise.reject(new Error('Graph is down')) : Promise.resolve(tenantId);
      },
    });

  it('runs each tenant once per interval across three replicas rounding at once', async () => {
    const ran: string[] = [];
    const replicas = ['r1', 'r2', 'r3'].map((name) => replica(name, ran));
    await Promise.all(replicas.map((r) => r.runOnce()));
    expect(ran.map((r) => r.split(':')[1]).sort()).toEqual(TENANTS);

    // A second round within the interval: every tenant is held, nobody runs anything.
    clock = new Date(clock.getTime() + 14 * MINUTE);
    await Promise.all(replicas.map((r) => r.runOnce()));
    expect(ran).toHaveLength(TENANTS.length);

    // After the interval each tenant runs once more, on whichever replica comes first.
    clock = new Date(clock.getTime() + 2 * MINUTE);
    await Promise.all(replicas.map((r) => r.runOnce()));
    expect(ran).toHaveLength(2 * TENANTS.length);
    expect(
      ran
        .slice(TENANTS.length)
        .map((r) => r.split(':')[1])
        .sort(),
    ).toEqual(TENANTS);

    const leases = await createStore(db.database).jobLeases.list('delta-reconcile');
    expect(leases.map((l) => l.tenantId).sort()).toEqual(TENANTS);
  });

  it('moves the tenants of a replica that died to the others once its leases expire', async () => {
    const ran: string[] = [];
    const dead = replica('dead', ran);
    expect([...(await dead.runOnce()).keys()].sort()).toEqual(TENANTS);

    const survivor = replica('survivor', ran);
    clock = new Date(clock.getTime() + 10 * MINUTE);
    expect((await survivor.runOnce()).size).toBe(0); // still held by the dead replica
    clock = new Date(clock.getTime() + 5 * MINUTE);
    expect([...(await survivor.runOnce()).keys()].sort()).toEqual(TENANTS);
  });

  it('is taken only once expired, even by its holder, and a failed run keeps its lease', async () => {
    const ran: string[] = [];
    const only = replica('only', ran, new Set(['tenant-b']));
    const first = await only.runOnce();
    expect(first.has('tenant-b')).toBe(false);
    expect(ran).toHaveLength(TENANTS.length);
    clock = new Date(clock.getTime() + MINUTE);
    expect((await only.runOnce()).size).toBe(0);

    // The other replica does not retry the failed tenant at once either: the next round (after the interval) does.
    const other = replica('other', ran);
    expect((await other.runOnce()).size).toBe(0);
    clock = new Date(clock.getTime() + 15 * MINUTE);
    expect([...(await other.runOnce()).keys()].sort()).toEqual(TENANTS);
  });

  it('holds the lease for an interval after a run that took long', async () => {
    const ran: string[] = [];
    const slow = perTenantJob({
      job: 'daily-digest',
      store: createStore(db.database),
      logger: silentLogger(),
      holder: 'slow',
      now: () => clock,
      intervalMs: 15 * MINUTE,
      tenants: () => ['tenant-a'],
      run: (tenantId) => {
        ran.push(tenantId);
        clock = new Date(clock.getTime() + 20 * MINUTE); // the run outlasts the interval
        return Promise.resolve();
      },
    });
    await slow.runOnce();
    const [lease] = await createStore(db.database).jobLeases.list('daily-digest');
    expect(lease).toMatchObject({
      holder: 'slow',
      expiresAt: new Date(clock.getTime() + 15 * MINUTE).toISOString(),
    });
  });
});
