import type { Queue } from '../../src/queue/queue';
import type { Store } from '../../src/store/store';
import { RA_SKU_ID, TEAMS_PHONE_STANDARD_SKU_ID } from '../../src/licensing/catalog-data';
import { ENGINES } from '../support/databases';
import { TENANT, createBench, licenses, runUntil, type Bench, type BenchOptions } from './worker-harness';

const STD = TEAMS_PHONE_STANDARD_SKU_ID;
const RA = RA_SKU_ID;

/** Records the order of the two writes that matter: the follow-up message and the observation. */
function journaling(journal: string[]): Pick<BenchOptions, 'wrapQueue' | 'wrapStore'> {
  return {
    wrapQueue: (queue: Queue): Queue => ({
      ...queue,
      send: (messages) => {
        for (const m of messages) if (m.body.kind === 'swap-follow-up') journal.push('send swap-follow-up');
        return queue.send(messages);
      },
    }),
    wrapStore: (store: Store): Store => ({
      ...store,
      recordObservation: (observation, routing) => {
        journal.push(
          `record ${observation.scope.userId === null ? 'tenant' : observation.scope.ruleIds.length === 0 ? 'swap' : 'account'}`,
        );
        return store.recordObservation(observation, routing);
      },
    }),
  };
}

describe.each(ENGINES)('worker on %s: the non-atomic swap, decided by the audit log', (engine) => {
  let bench: Bench;
  const journal: string[] = [];
  beforeEach(async () => {
    journal.length = 0;
    bench = await createBench(engine, journaling(journal));
  });
  afterEach(async () => {
    await bench.close();
  });

  /** A resource account holding Teams Phone Standard, seen once (standard-on-ra open). */
  async function accountOnStandard(): Promise<string> {
    const queueId = bench.addResourceAccount([licenses.standard()], 'Support Queue');
    await bench.notify(queueId);
    await bench.worker.runOnce();
    const open = await bench.store.alerts.list({ tenantId: TENANT, userId: queueId, state: 'open' });
    expect(open.map((a) => a.ruleId).sort()).toEqual(['ra.standard-on-ra', 'ra.unlicensed']);
    journal.length = 0;
    return queueId;
  }

  const swapAlerts = (userId: string) =>
    bench.store.alerts
      .list({ tenantId: TENANT, userId })
      .then((alerts) => alerts.filter((a) => a.ruleId === 'ra.non-atomic-swap'));

  it('remove first, then add in a second operation: follow-up scheduled before recording, then a critical swap alert', async () => {
    const queueId = await accountOnStandard();
    const removal = bench.activity(queueId, 60_000, { removed: [STD] });
    const addition = bench.activity(queueId, 1_000, { added: [RA] });
    bench.graph.addActivities(removal, addition);
    bench.setLicenses(queueId, [licenses.ra()]);
    await bench.notify(queueId);
    await bench.worker.runOnce();

    expect(journal.slice(0, 2)).toEqual(['send swap-follow-up', 'record account']);
    expect(journal).toContain('record swap');

    const [swap, ...more] = await swapAlerts(queueId);
    expect(more).toEqual([]);
    expect(swap).toMatchObject({ severity: 'critical', state: 'open' });
    expect(swap?.finding.evidence).toMatchObject({ order: 'remove-first', proof: 'audit-log' });
    expect(JSON.stringify(swap?.finding.evidence)).toContain(removal.auditRecordIds[0]);
    expect(JSON.stringify(swap?.finding.evidence)).toContain(addition.auditRecordIds[0]);

    const open = await bench.store.alerts.list({ tenantId: TENANT, userId: queueId, state: 'open' });
    expect(open.map((a) => a.ruleId)).toEqual(['ra.non-atomic-swap']);
    const [, change] = await bench.store.events.query({ tenantId: TENANT, userId: queueId });
    expect(change?.change.activities.map((a) => a.activityId).sort()).toEqual(
      [removal.activityId, addition.activityId].sort(),
    );
  });

  it('one operation that removes Standard and adds the RA license: standard-on-ra resolves, no swap alert', async () => {
    const queueId = await accountOnStandard();
    bench.graph.addActivities(bench.activity(queueId, 5_000, { removed: [STD], added: [RA] }));
    bench.setLicenses(queueId, [licenses.ra()]);
    await bench.notify(queueId);
    await bench.worker.runOnce();

    expect(journal.filter((j) => j !== 'record tenant')).toEqual(['send swap-follow-up', 'record account']);
    expect(bench.graph.calls.getLicenseActivities).toHaveLength(1);
    expect(await swapAlerts(queueId)).toEqual([]);
    expect(await bench.store.alerts.list({ tenantId: TENANT, userId: queueId, state: 'open' })).toEqual([]);
    const resolved = await bench.store.alerts.list({ tenantId: TENANT, userId: queueId, state: 'resolved' });
    expect(resolved.map((a) => a.ruleId).sort()).toEqual(['ra.standard-on-ra', 'ra.unlicensed']);
  });

  it('audit records not there yet: the follow-up is scheduled again and decides when they arrive', async () => {
    const queueId = await accountOnStandard();
    bench.graph.addActivities(
      bench.activity(queueId, 60_000, { removed: [STD] }),
      bench.activity(queueId, 1_000, { added: [RA] }),
    );
    bench.graph.delayAudit(1);
    bench.setLicenses(queueId, [licenses.ra()]);
    await bench.notify(queueId);
    await bench.worker.runOnce();

    expect(bench.graph.calls.getLicenseActivities.map((c) => c.returned)).toEqual([0, 2]);
    expect(journal.filter((j) => j === 'send swap-follow-up')).toHaveLength(2);
    const [swap] = await swapAlerts(queueId);
    expect(swap?.finding.evidence).toMatchObject({ proof: 'audit-log' });
    expect(swap?.finding.evidence).not.toHaveProperty('auditLog');
  });

  it('audit records never arrive: after the last attempt it decides from the snapshots and says so', async () => {
    const queueId = await accountOnStandard();
    bench.setLicenses(queueId, []);
    await bench.notify(queueId);
    await bench.worker.runOnce();

    // The harness's schedule has four reads.
    expect(bench.graph.calls.getLicenseActivities).toHaveLength(4);
    const [swap, ...more] = await swapAlerts(queueId);
    expect(more).toEqual([]);
    expect(swap).toMatchObject({ severity: 'critical' });
    expect(swap?.finding.evidence).toMatchObject({
      proof: 'snapshots',
      auditLog: { complete: false, reads: 4 },
    });
    const open = await bench.store.alerts.list({ tenantId: TENANT, userId: queueId, state: 'open' });
    expect(open.map((a) => a.ruleId).sort()).toEqual(['ra.non-atomic-swap', 'ra.unlicensed']);
  });

  it('remove first, read in between, then the RA license: the open alert gains the second operation, no second alert', async () => {
    const queueId = await accountOnStandard();
    const removal = bench.activity(queueId, 90_000, { removed: [STD] });
    bench.graph.addActivities(removal);
    bench.setLicenses(queueId, []);
    await bench.notify(queueId);
    await bench.worker.runOnce();
    const [first] = await swapAlerts(queueId);
    expect(first?.finding.evidence).toMatchObject({ order: 'remove-first', withoutLicenseUntil: null });

    // Exactly 90 s after the removal, not "now": on a busy machine the first read can take more than a second.
    const addition = {
      ...bench.activity(queueId, 0, { added: [RA] }),
      at: new Date(Date.parse(removal.at) + 90_000).toISOString(),
    };
    bench.graph.addActivities(addition);
    bench.setLicenses(queueId, [licenses.ra()]);
    await bench.notify(queueId);
    await bench.worker.runOnce();

    const [swap, ...more] = await swapAlerts(queueId);
    expect(more).toEqual([]);
    expect(swap).toMatchObject({ id: first?.id, state: 'open', severity: 'critical' });
    expect(swap?.finding.evidence).toMatchObject({
      order: 'remove-first',
      proof: 'audit-log',
      withoutLicenseFrom: removal.at,
      withoutLicenseUntil: addition.at,
      secondsWithoutLicense: 90,
    });
    expect(JSON.stringify(swap?.finding.evidence)).toContain(addition.auditRecordIds[0]);
  });

  it('a swap the snapshots prove is completed from the late audit records: the same alert, updated, never a second', async () => {
    const queueId = await accountOnStandard();
    bench.setLicenses(queueId, []);
    await bench.notify(queueId);
    await bench.worker.runOnce();
    const [first] = await swapAlerts(queueId);
    expect(first?.finding.evidence).toMatchObject({ proof: 'snapshots' });

    // The records turn up late, with the addition: the incident now has an activity id, but it is the same one.
    bench.graph.addActivities(
      bench.activity(queueId, 60_000, { removed: [STD] }),
      bench.activity(queueId, 0, { added: [RA] }),
    );
    bench.setLicenses(queueId, [licenses.ra()]);
    await bench.notify(queueId);
    await bench.worker.runOnce();
    const swaps = await swapAlerts(queueId);
    expect(swaps.map((a) => a.id)).toEqual([first?.id]);
    expect(swaps[0]).toMatchObject({ state: 'open', severity: 'critical' });
    expect(swaps[0]?.finding.evidence).toMatchObject({
      order: 'remove-first',
      proof: 'audit-log',
      firstProvenBy: 'snapshots',
    });
    expect(swaps[0]?.finding.evidence['withoutLicenseUntil']).not.toBeNull();
  });

  it('a resource account licensed for the first time schedules no audit read', async () => {
    const queueId = bench.addResourceAccount([], 'New Line');
    await bench.notify(queueId);
    await bench.worker.runOnce();
    bench.setLicenses(queueId, [licenses.ra()]);
    await bench.notify(queueId);
    await bench.worker.runOnce();
    expect(journal).not.toContain('send swap-follow-up');
    expect(bench.graph.calls.getLicenseActivities).toEqual([]);
    expect(await swapAlerts(queueId)).toEqual([]);
  });

  it('add first, then remove Standard in a second operation: a warning', async () => {
    const queueId = await accountOnStandard();
    bench.graph.addActivities(bench.activity(queueId, 1_000, { added: [RA] }));
    bench.setLicenses(queueId, [licenses.standard(), licenses.ra()]);
    await bench.notify(queueId);
    await bench.worker.runOnce();
    expect(await swapAlerts(queueId)).toEqual([]);

    bench.graph.addActivities(bench.activity(queueId, 0, { removed: [STD] }));
    bench.setLicenses(queueId, [licenses.ra()]);
    await bench.notify(queueId);
    await bench.worker.runOnce();
    const [swap] = await swapAlerts(queueId);
    expect(swap).toMatchObject({ severity: 'warning' });
    expect(swap?.finding.evidence).toMatchObject({ order: 'add-first' });
  });
});

describe.each(ENGINES)('worker on %s: a remove-first swap the snapshots prove', (engine) => {
  let bench: Bench;
  beforeEach(async () => {
    // The first audit read is a minute away: whatever is decided now is decided without the audit log.
    bench = await createBench(engine, { worker: { swapAuditScheduleMs: [60_000, 120_000] } });
  });
  afterEach(async () => {
    await bench.close();
  });

  it('is alerted at once, with the snapshots as proof, before any audit read', async () => {
    const queueId = bench.addResourceAccount([licenses.standard()], 'Support Queue');
    await bench.notify(queueId);
    await bench.worker.runOnce();
    bench.setLicenses(queueId, []);
    await bench.notify(queueId);
    await bench.worker.runOnce();

    expect(bench.graph.calls.getLicenseActivities).toEqual([]);
    const swaps = (await bench.store.alerts.list({ tenantId: TENANT, userId: queueId })).filter(
      (a) => a.ruleId === 'ra.non-atomic-swap',
    );
    expect(swaps).toHaveLength(1);
    expect(swaps[0]).toMatchObject({ severity: 'critical', state: 'open' });
    expect(swaps[0]?.finding.evidence).toMatchObject({ order: 'remove-first', proof: 'snapshots' });
    expect(await bench.queue.stats()).toMatchObject({ scheduled: 1 });
  });
});

describe.each(ENGINES)('worker on %s: a crash between scheduling the swap check and recording', (engine) => {
  let bench: Bench;
  let failRecords = 0;
  beforeEach(async () => {
    failRecords = 0;
    bench = await createBench(engine, {
      worker: { retryBaseMs: 50, retryMaxMs: 100 },
      wrapStore: (store) => ({
        ...store,
        recordObservation: (observation, routing) => {
          if (failRecords > 0 && observation.scope.userId !== null) {
            failRecords -= 1;
            return Promise.reject(new Error('simulated crash while recording'));
          }
          return store.recordObservation(observation, routing);
        },
      }),
    });
  });
  afterEach(async () => {
    await bench.close();
  });

  it('loses no check and raises one alert: the orphan follow-up finds nothing, the redelivered change schedules its own', async () => {
    const queueId = bench.addResourceAccount([licenses.standard()]);
    await bench.notify(queueId);
    await bench.worker.runOnce();

    bench.graph.addActivities(
      bench.activity(queueId, 60_000, { removed: [STD] }),
      bench.activity(queueId, 1_000, { added: [RA] }),
    );
    bench.setLicenses(queueId, [licenses.ra()]);
    failRecords = 1;
    await bench.notify(queueId);
    await runUntil(bench, async () => (await swapAlerts()).length > 0);

    const swaps = await swapAlerts();
    expect(swaps.map((a) => a.severity)).toEqual(['critical']);
    expect(bench.logs.some((l) => l.msg?.includes('no recorded change') === true)).toBe(true);
    expect(await bench.store.events.count({ tenantId: TENANT, userId: queueId })).toBe(2);

    async function swapAlerts() {
      const alerts = await bench.store.alerts.list({ tenantId: TENANT, userId: queueId });
      return alerts.filter((a) => a.ruleId === 'ra.non-atomic-swap');
    }
  });
});
