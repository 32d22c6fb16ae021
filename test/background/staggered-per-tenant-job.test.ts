/**
 * Staggered per-tenant jobs (issue 19): after the pass at start, each tenant runs at its own slot in the interval,
 * once per interval across replicas, a failing tenant kept apart from the others. A virtual clock (`now`) and
 * `runDue` stand in for the loop's wake-ups; nothing here waits on real time.
 */
import { perTenantJob } from '../../src/background/per-tenant-job';
import { tenantSlots } from '../../src/background/tenant-slot';
import { silentLogger } from '../../src/logger';
import { createStore } from '../../src/store/sql-store';
import { ENGINES, createTestDatabase, type TestDatabase } from '../support/databases';

const MINUTE = 60_000;
const INTERVAL = 15 * MINUTE;
const STEP = 10_000;
const JOB = 'delta-reconcile';
const TENANTS = ['tenant-a', 'tenant-b', 'tenant-c', 'tenant-d', 'tenant-e', 'tenant-f'];
const slots = tenantSlots(JOB, INTERVAL);

interface Run {
  holder: string;
  tenantId: string;
  at: number;
}

describe.each(ENGINES)('staggered per-tenant jobs on %s', (engine) => {
  let db: TestDatabase;
  let clock: number;
  beforeEach(async () => {
    db = await createTestDatabase(engine);
    clock = Date.parse('2026-12-03T09:00:00.000Z');
  });
  afterEach(() => db.drop());

  const replica = (holder: string, runs: Run[], fail = new Set<string>(), tenants = TENANTS) =>
    perTenantJob({
      job: JOB,
      store: createStore(db.database),
      logger: silentLogger(),
      holder,
      now: () => new Date(clock),
      intervalMs: INTERVAL,
      stagger: true,
      runAtStart: true,
      tenants: () => tenants,
      run: (tenantId) => {
        runs.push({ holder, tenantId, at: clock });
        return fail.has(tenantId) ? Promise.reject(new Error('Graph is down')) : Promise.resolve(tenantId);
      },
    });

  /** Moves the clock `STEP` at a time over `ms`, every replica looking for due tenants after each step. */
  const walk = async (ms: number, replicas: Array<ReturnType<typeof replica>>): Promise<void> => {
    for (let t = 0; t < ms; t += STEP) {
      clock += STEP;
      for (const r of replicas) await r.runDue();
    }
  };

  it('runs each tenant at its own slot, once per interval, across two replicas', async () => {
    const runs: Run[] = [];
    const replicas = [replica('r1', runs), replica('r2', runs)];
    const start = clock;
    await walk(2 * INTERVAL, replicas);

    for (const tenantId of TENANTS) {
      const times = runs.filter((r) => r.tenantId === tenantId).map((r) => r.at);
      expect(times).toHaveLength(2);
      // Each run lands in the step that holds the tenant's slot, one interval apart.
      const first = slots.slotAtOrAfter(tenantId, start + 1);
      expect(times[0]! - first).toBeGreaterThanOrEqual(0);
      expect(times[0]! - first).toBeLessThan(STEP);
      expect(times[1]! - times[0]!).toBe(INTERVAL);
    }
    // Spread, not one walk: the tenants' runs are at different moments, in the order of their slots.
    expect(new Set(runs.slice(0, TENANTS.length).map((r) => r.at)).size).toBeGreaterThan(1);
    const firstRound = runs.slice(0, TENANTS.length).map((r) => r.at);
    expect(firstRound).toEqual([...firstRound].sort((a, b) => a - b));
  });

  it('keeps the pass at start, then runs each tenant at its first slot at least half an interval later', async () => {
    const runs: Run[] = [];
    const only = replica('only', runs);
    const start = clock;
    expect([...(await only.runOnce()).keys()].sort()).toEqual(TENANTS); // a lone replica catches up at once

    await walk(INTERVAL / 2 - STEP, [only]);
    expect(runs).toHaveLength(TENANTS.length); // nobody again within half an interval

    await walk(INTERVAL + STEP, [only]);
    for (const tenantId of TENANTS) {
      const second = runs.filter((r) => r.tenantId === tenantId)[1];
      const slot = slots.slotAtOrAfter(tenantId, start + INTERVAL / 2);
      expect(second?.at).toBeGreaterThanOrEqual(slot);
      expect(second!.at - slot).toBeLessThan(STEP);
    }
  });

  it('runs the loop pass at start through start() for a lone tenant', async () => {
    const runs: Run[] = [];
    const lone = replica('lone', runs, new Set(), ['tenant-a']);
    lone.start();
    await lone.stop(); // resolves once the run in progress (the pass at start) has finished
    expect(runs.map((r) => r.tenantId)).toEqual(['tenant-a']);
  });

  it('keeps a failing tenant apart: the others run at their slots, it is retried at its next one', async () => {
    const runs: Run[] = [];
    const r = replica('r', runs, new Set(['tenant-b']));
    await walk(INTERVAL, [r]);
    expect(runs.map((x) => x.tenantId).sort()).toEqual(TENANTS);

    await walk(INTERVAL, [r]);
    const b = runs.filter((x) => x.tenantId === 'tenant-b').map((x) => x.at);
    expect(b).toHaveLength(2);
    expect(b[1]! - b[0]!).toBe(INTERVAL);
    expect(runs).toHaveLength(2 * TENANTS.length);
  });

  it('catches up every slot it slept through, once, after a long pause', async () => {
    const runs: Run[] = [];
    const r = replica('r', runs);
    clock += INTERVAL - 1; // one look after most of an interval: every slot passed in it is due now
    await r.runDue();
    expect(runs.map((x) => x.tenantId).sort()).toEqual(TENANTS);
    await r.runDue();
    expect(runs).toHaveLength(TENANTS.length);
  });

  it('looks again at the next wake-up when the store fails, not an interval later', async () => {
    const runs: Run[] = [];
    const store = createStore(db.database);
    let storeDown = true;
    const job = perTenantJob({
      job: JOB,
      store: {
        jobLeases: {
          ...store.jobLeases,
          tryAcquire: (lease, at) =>
            storeDown
              ? Promise.reject(new Error('database unavailable'))
              : store.jobLeases.tryAcquire(lease, at),
        },
      },
      logger: silentLogger(),
      holder: 'r',
      now: () => new Date(clock),
      intervalMs: INTERVAL,
      stagger: true,
      tenants: () => TENANTS,
      run: (tenantId) => {
        runs.push({ holder: 'r', tenantId, at: clock });
        return Promise.resolve(tenantId);
      },
    });
    clock += INTERVAL - 1;
    await expect(job.runDue()).rejects.toThrow('database unavailable');
    expect(runs).toEqual([]);
    storeDown = false;
    clock += STEP;
    await job.runDue();
    expect(runs.map((r) => r.tenantId).sort()).toEqual(TENANTS);
  });
});
