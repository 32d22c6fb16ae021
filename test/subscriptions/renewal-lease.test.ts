import { silentLogger } from '../../src/logger';
import { tenantSlots } from '../../src/background/tenant-slot';
import { createRenewalLoop, RENEWAL_JOB } from '../../src/subscriptions/renewal-loop';
import { createSubscriptionManager } from '../../src/subscriptions/subscription-manager';
import type { GraphSubscriptions } from '../../src/graph/graph-subscriptions';
import { createStore } from '../../src/store/sql-store';
import { ENGINES } from '../support/databases';
import { plainTenant, WATCH_TENANT } from './support/seeds';
import { startWatchHarness, type WatchHarness } from './support/watch-harness';

const MINUTE = 60_000;

describe.each(ENGINES)('one renewer among replicas sharing one %s store', (engine) => {
  let h: WatchHarness;
  beforeEach(async () => {
    h = await startWatchHarness({ engine, seeds: [plainTenant(1)] });
  });
  afterEach(async () => {
    await h.close();
  });

  it("hands a tenant's renewal to another replica only once the holder's lease has expired", async () => {
    let clock = new Date('2026-11-27T09:00:00.000Z');
    const work = { a: 0, b: 0 };
    // A stored subscription makes its tenant one the renewal job covers.
    await createSubscriptionManager({
      store: h.store,
      graph: h.subscriptions,
      queue: h.queue,
      logger: silentLogger(),
      publicBaseUrl: h.endpoint.baseUrl,
      clientStates: ['client-state-secret-0123456789abcdef'],
    }).create({ tenantId: WATCH_TENANT, resource: 'users' });
    // Each replica opens its own store on the same database, as separate processes would.
    const replica = (name: 'a' | 'b') =>
      createRenewalLoop({
        store: createStore(h.database.database),
        logger: silentLogger(),
        now: () => clock,
        holderId: `replica-${name}`,
        intervalMs: MINUTE,
        work: () => {
          work[name]++;
          return Promise.resolve();
        },
      });
    const a = replica('a');
    const b = replica('b');

    expect(await a.runOnce()).toEqual([WATCH_TENANT]);
    expect(await b.runOnce()).toEqual([]);
    // Staggered: the lease runs to the tenant's slot at least half an interval on, so within 1.5 intervals.
    const [lease] = await h.store.jobLeases.list(RENEWAL_JOB);
    expect(lease?.expiresAt).toBe(
      new Date(
        tenantSlots(RENEWAL_JOB, MINUTE).slotAtOrAfter(WATCH_TENANT, clock.getTime() + MINUTE / 2),
      ).toISOString(),
    );
    clock = new Date(clock.getTime() + 1.5 * MINUTE);
    expect(await a.runOnce()).toEqual([WATCH_TENANT]); // the holder's next round, once its lease ran out
    expect(await b.runOnce()).toEqual([]);

    // A dies: its lease runs out (at most 1.5 intervals after its last run), and B takes the tenant over.
    clock = new Date(clock.getTime() + 1.5 * MINUTE);
    expect(await b.runOnce()).toEqual([WATCH_TENANT]);
    expect(await a.runOnce()).toEqual([]);
    expect(work).toEqual({ a: 2, b: 1 });
  });

  it('two managers started together: every due subscription renewed once, by one of them', async () => {
    let clock = new Date();
    const calls = { a: 0, b: 0 };
    const counting = (name: 'a' | 'b'): GraphSubscriptions => ({
      create: (r) => h.subscriptions.create(r),
      reauthorize: (t, id) => h.subscriptions.reauthorize(t, id),
      delete: (t, id) => h.subscriptions.delete(t, id),
      list: (t) => h.subscriptions.list(t),
      renew: (t, id, at) => {
        calls[name]++;
        return h.subscriptions.renew(t, id, at);
      },
    });
    const manager = (name: 'a' | 'b') =>
      createSubscriptionManager({
        store: createStore(h.database.database),
        graph: counting(name),
        queue: h.queue,
        logger: silentLogger(),
        publicBaseUrl: h.endpoint.baseUrl,
        clientStates: ['client-state-secret-0123456789abcdef'],
        now: () => clock,
        options: {
          lifetimeMinutes: 60,
          // Long enough that the first round's lease outlasts the test: each subscription renewed once.
          renewIntervalMs: 60 * MINUTE,
          holderId: `replica-${name}`,
        },
      });
    const a = manager('a');
    const b = manager('b');
    for (let i = 0; i < 3; i++) await a.create({ tenantId: WATCH_TENANT, resource: 'users' });
    clock = new Date(clock.getTime() + 31 * MINUTE);

    a.start();
    b.start();
    const deadline = Date.now() + 10_000;
    while (calls.a + calls.b < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    await Promise.all([a.stop(), b.stop()]);

    expect(calls.a + calls.b).toBe(3);
    expect([calls.a, calls.b].sort()).toEqual([0, 3]);
  });
});

describe('the renewal loop', () => {
  let h: WatchHarness;
  beforeEach(async () => {
    h = await startWatchHarness({ seeds: [plainTenant(1)] });
  });
  afterEach(async () => {
    await h.close();
  });

  it('logs a failed round and keeps going', async () => {
    const errors: string[] = [];
    const logger = { ...silentLogger(), error: (_obj: object, msg?: string) => errors.push(msg ?? '') };
    let rounds = 0;
    await createSubscriptionManager({
      store: h.store,
      graph: h.subscriptions,
      queue: h.queue,
      logger: silentLogger(),
      publicBaseUrl: h.endpoint.baseUrl,
      clientStates: ['client-state-secret-0123456789abcdef'],
    }).create({ tenantId: WATCH_TENANT, resource: 'users' });
    const loop = createRenewalLoop({
      store: h.store,
      logger,
      now: () => new Date(),
      holderId: 'only-replica',
      intervalMs: 10,
      work: () => {
        rounds++;
        return rounds === 1 ? Promise.reject(new Error('Graph is down')) : Promise.resolve();
      },
    });
    loop.start();
    const deadline = Date.now() + 10_000;
    while (rounds < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await loop.stop();
    expect(rounds).toBeGreaterThanOrEqual(3);
    expect(errors).toEqual([expect.stringMatching(/subscription-renewal failed/)]);
  });
});
