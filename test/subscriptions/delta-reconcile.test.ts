import { createGraphReader } from '../../src/graph/client/graph-reader-client';
import { graphError } from '../../src/graph/simulator/graph-error';
import { runTenantAudit } from '../../src/tenant-audit/tenant-audit';
import { silentLogger } from '../../src/logger';
import type { UserChanged, WorkItem } from '../../src/queue/work-item';
import { tenantSlots } from '../../src/background/tenant-slot';
import {
  createDeltaReconciler,
  RECONCILE_JOB,
  USERS_DELTA_LINK_KEY,
} from '../../src/subscriptions/delta-reconcile';
import { RA_SKU_ID } from '../../src/licensing/catalog-data';
import { ENGINES } from '../support/databases';
import { withFailingSends } from '../support/failing-queue';
import { plainTenant, userIdAt, WATCH_TENANT } from './support/seeds';
import { startWatchHarness, type WatchHarness } from './support/watch-harness';

const userWork = (items: WorkItem[]): UserChanged[] =>
  items.filter((i): i is UserChanged => i.kind === 'user-changed');

describe('the delta reconciler against the Graph simulator', () => {
  let h: WatchHarness;
  beforeEach(async () => {
    // 8 users, 3 per page: a full sync is 3 pages.
    h = await startWatchHarness({ seeds: [plainTenant(8)], simulator: { deltaPageSize: 3 } });
  });
  afterEach(async () => {
    await h.close();
  });

  const reconciler = (queue = h.queue) =>
    createDeltaReconciler({
      store: h.store,
      graph: h.reader,
      queue,
      logger: silentLogger(),
      options: { intervalMs: 50, tenantIds: [WATCH_TENANT] },
    });

  it('first pass: follows every page, queues every user as delta work, then keeps the deltaLink', async () => {
    const result = await reconciler().resync(WATCH_TENANT, 'test');

    expect(result).toMatchObject({
      fullSync: true,
      pages: 3,
      usersSeen: 8,
      queued: 8,
      deltaLinkStored: true,
    });
    const work = userWork(await h.drain());
    expect(work.map((w) => w.userId).sort()).toEqual(
      Array.from({ length: 8 }, (_, i) => userIdAt(100 + i)).sort(),
    );
    for (const w of work)
      expect(w).toMatchObject({
        tenantId: WATCH_TENANT,
        changeType: 'reconcile',
        source: 'delta',
        subscriptionId: null,
      });
    expect(await h.store.settings.get(WATCH_TENANT, USERS_DELTA_LINK_KEY)).toMatch(/deltatoken|delta/i);
  });

  it('next pass: only what changed since the stored link, including a license change and a deletion', async () => {
    const r = reconciler();
    await r.resync(WATCH_TENANT, 'first');
    await h.drain();
    const firstLink = await h.store.settings.get(WATCH_TENANT, USERS_DELTA_LINK_KEY);

    h.simulator.assignLicense(WATCH_TENANT, userIdAt(101), { addLicenses: [{ skuId: RA_SKU_ID }] });
    h.simulator.deleteUser(WATCH_TENANT, userIdAt(102), { permanent: true });
    const result = await r.resync(WATCH_TENANT, 'second');

    expect(result.fullSync).toBe(false);
    const work = userWork(await h.drain());
    expect(work.find((w) => w.userId === userIdAt(101))).toMatchObject({ changeType: 'reconcile' });
    expect(work.find((w) => w.userId === userIdAt(102))).toMatchObject({ changeType: 'deleted' });
    expect(work).toHaveLength(2);
    expect(await h.store.settings.get(WATCH_TENANT, USERS_DELTA_LINK_KEY)).not.toBe(firstLink);
  });

  it('a link Graph no longer knows (410) restarts as a full sync', async () => {
    const r = reconciler();
    await r.resync(WATCH_TENANT, 'first');
    await h.drain();
    h.simulator.faults.expireDeltaTokens(WATCH_TENANT);

    const result = await r.resync(WATCH_TENANT, 'after expiry');

    expect(result).toMatchObject({
      restartedAfterExpiry: true,
      fullSync: true,
      usersSeen: 8,
      queued: 8,
      deltaLinkStored: true,
    });
    expect(userWork(await h.drain())).toHaveLength(8);
  });

  it('skips users whose stored snapshot already shows their licensing', async () => {
    const r = reconciler();
    await r.resync(WATCH_TENANT, 'first');
    await h.drain();
    // What the worker would have stored for one user after reading it.
    const page = await h.reader.getUsersDeltaPage(WATCH_TENANT, null);
    const known = page.users.find((u) => u.kind === 'user');
    if (known?.kind !== 'user') throw new Error('the simulator returned no user');
    await h.store.recordObservation(
      {
        snapshot: known.snapshot,
        scope: { tenantId: WATCH_TENANT, userId: known.snapshot.userId, ruleIds: [] },
        findings: [],
        at: new Date().toISOString(),
      },
      () => [],
    );
    h.simulator.faults.expireDeltaTokens(WATCH_TENANT);

    const result = await r.resync(WATCH_TENANT, 'full again');

    expect(result).toMatchObject({ usersSeen: 8, unchanged: 1, queued: 7 });
    expect(userWork(await h.drain()).map((w) => w.userId)).not.toContain(known.snapshot.userId);
  });

  it('keeps the old link when the queue cannot take a page: the next pass asks again, nothing skipped', async () => {
    const failing = withFailingSends(h.queue);
    const r = reconciler(failing);
    await r.resync(WATCH_TENANT, 'first');
    await h.drain();
    const before = await h.store.settings.get(WATCH_TENANT, USERS_DELTA_LINK_KEY);
    h.simulator.assignLicense(WATCH_TENANT, userIdAt(103), { addLicenses: [{ skuId: RA_SKU_ID }] });

    failing.failSends = true;
    await expect(r.resync(WATCH_TENANT, 'queue down')).rejects.toThrow(/queue unavailable/);
    expect(await h.store.settings.get(WATCH_TENANT, USERS_DELTA_LINK_KEY)).toBe(before);

    failing.failSends = false;
    await r.resync(WATCH_TENANT, 'queue back');
    expect(userWork(await h.drain()).map((w) => w.userId)).toEqual([userIdAt(103)]);
  });

  it('hands a full sync to the recorded audit when wired: no user-by-user reads, and the delta continues from it', async () => {
    const logger = silentLogger();
    const audited: string[] = [];
    const r = createDeltaReconciler({
      store: h.store,
      graph: h.reader,
      queue: h.queue,
      logger,
      fullSync: async (tenantId, reason) => {
        audited.push(reason);
        await runTenantAudit({
          store: h.store,
          graph: h.reader,
          logger,
          tenantId,
          routing: () => [],
          queue: h.queue,
          options: { record: true },
        });
      },
    });

    const first = await r.resync(WATCH_TENANT, 'first start');
    expect(first).toMatchObject({ delegated: true, fullSync: true, deltaLinkStored: true });
    expect(audited).toEqual(['first start']);
    // Eight plain users with nothing wrong: the audit hands none of them to the worker.
    expect(userWork(await h.drain())).toEqual([]);

    h.simulator.assignLicense(WATCH_TENANT, userIdAt(104), { addLicenses: [{ skuId: RA_SKU_ID }] });
    const next = await r.resync(WATCH_TENANT, 'periodic');
    expect(next).toMatchObject({ delegated: false, fullSync: false, queued: 1 });

    h.simulator.faults.expireDeltaTokens(WATCH_TENANT);
    expect(await r.resync(WATCH_TENANT, 'after expiry')).toMatchObject({
      delegated: true,
      restartedAfterExpiry: true,
    });
    expect(audited).toEqual(['first start', 'after expiry']);
  });

  it('serialises passes per tenant: a request during a pass gets one more pass after it, requests meanwhile share it', async () => {
    const r = reconciler();
    const first = r.resync(WATCH_TENANT, 'a');
    const second = r.resync(WATCH_TENANT, 'b');
    const third = r.resync(WATCH_TENANT, 'c');
    expect(third).toBe(second);
    const [a, b] = await Promise.all([first, second]);
    expect(a.fullSync).toBe(true);
    // The second pass started after the first stored its link: it continues from it.
    expect(b).toMatchObject({ fullSync: false, queued: 0 });
  });

  it('runs periodically over the configured tenants and stops cleanly', async () => {
    const r = reconciler();
    r.start();
    const deadline = Date.now() + 10_000;
    while (
      (await h.store.settings.get(WATCH_TENANT, USERS_DELTA_LINK_KEY)) === null &&
      Date.now() < deadline
    ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await r.stop();
    expect(await h.store.settings.get(WATCH_TENANT, USERS_DELTA_LINK_KEY)).not.toBeNull();
    expect(userWork(await h.drain()).length).toBeGreaterThanOrEqual(8);
  });

  it('takes each tenant at start, then holds it to its own slot in the interval (staggered)', async () => {
    const clock = Date.parse('2026-12-03T09:00:00.000Z');
    const intervalMs = 15 * 60_000;
    const r = createDeltaReconciler({
      store: h.store,
      graph: h.reader,
      queue: h.queue,
      logger: silentLogger(),
      now: () => new Date(clock),
      options: { intervalMs, tenantIds: [WATCH_TENANT] },
    });
    r.start();
    await r.stop(); // waits for the pass at start
    expect(await h.store.settings.get(WATCH_TENANT, USERS_DELTA_LINK_KEY)).not.toBeNull();
    const [lease] = await h.store.jobLeases.list(RECONCILE_JOB);
    expect(lease?.expiresAt).toBe(
      new Date(
        tenantSlots(RECONCILE_JOB, intervalMs).slotAtOrAfter(WATCH_TENANT, clock + intervalMs / 2),
      ).toISOString(),
    );
  });
});

describe.each(ENGINES)('a dead delta link (%s)', (engine) => {
  let h: WatchHarness;
  beforeEach(async () => {
    h = await startWatchHarness({ engine, seeds: [plainTenant(8)], simulator: { deltaPageSize: 3 } });
  });
  afterEach(async () => {
    await h.close();
  });

  it.each([
    [400, 'BadRequest', 'Invalid delta token.'],
    [404, 'ResourceNotFound', 'The resource could not be found.'],
    [410, 'Gone', 'Token expired.'],
  ])(
    'any 4xx on the stored link (%i %s) drops it and runs a full sync, counted (issue 17 item 8)',
    async (status, code, message) => {
      const fallbacks: Array<{ kind: string; status: number }> = [];
      const reader = createGraphReader({
        baseUrl: h.simulator.url,
        tokenProvider: (tenantId) => Promise.resolve(h.simulator.tokenFor(tenantId)),
        logger: silentLogger(),
        retry: { maxRetries: 1, baseDelayMs: 10, maxDelayMs: 50 },
        observer: {
          answered: () => undefined,
          throttled: () => undefined,
          fellBack: (f) => fallbacks.push(f),
        },
      });
      const r = createDeltaReconciler({
        store: h.store,
        graph: reader,
        queue: h.queue,
        logger: silentLogger(),
      });
      await r.resync(WATCH_TENANT, 'first');
      await h.drain();
      const deadLink = await h.store.settings.get(WATCH_TENANT, USERS_DELTA_LINK_KEY);
      expect(deadLink).toBeTruthy();
      // The next delta request is the stored link: Graph refuses it, whatever its code.
      h.simulator.faults.answerNext('/users/delta', 1, graphError(status, code, message));

      const result = await r.resync(WATCH_TENANT, 'after a dead link');

      expect(result).toMatchObject({
        restartedAfterExpiry: true,
        fullSync: true,
        usersSeen: 8,
        deltaLinkStored: true,
      });
      expect(userWork(await h.drain())).toHaveLength(8);
      expect(fallbacks).toEqual([{ kind: 'delta_link_dead', status }]);
      const deltaCalls = h.simulator.requests().filter((q) => q.path.startsWith('/v1.0/users/delta'));
      // The dead link was sent once, never again.
      expect(deltaCalls.filter((q) => q.status === status)).toHaveLength(1);
      expect(await h.store.settings.get(WATCH_TENANT, USERS_DELTA_LINK_KEY)).not.toBe(deadLink);
    },
  );
});
