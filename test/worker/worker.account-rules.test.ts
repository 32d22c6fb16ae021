import { MCOEV_PLAN_ID } from '../../src/licensing/catalog-data';
import { ENGINES } from '../support/databases';
import { TENANT, createBench, licenses, runUntil, type Bench } from './worker-harness';

describe.each(ENGINES)('worker on %s: account-state rules from a user notification', (engine) => {
  let bench: Bench;
  beforeEach(async () => {
    bench = await createBench(engine);
  });
  afterEach(async () => {
    await bench.close();
  });

  const alertsOf = async (userId: string, state?: 'open' | 'resolved') =>
    bench.store.alerts.list({ tenantId: TENANT, userId, ...(state === undefined ? {} : { state }) });

  it('opens a critical alert for an unlicensed resource account and resolves it once licensed', async () => {
    const queueId = bench.addResourceAccount([], 'Sales Queue');
    await bench.notify(queueId);
    expect(await bench.worker.runOnce()).toBe(1);

    const [opened, ...others] = await alertsOf(queueId, 'open');
    expect(others).toEqual([]);
    expect(opened).toMatchObject({ ruleId: 'ra.unlicensed', severity: 'critical', userId: queueId });
    expect(opened?.finding.evidence).toMatchObject({ identifiedBy: 'teams-user-configuration' });

    bench.setLicenses(queueId, [licenses.ra()]);
    await bench.notify(queueId);
    await bench.worker.runOnce();

    expect(await alertsOf(queueId, 'open')).toEqual([]);
    const [resolved] = await alertsOf(queueId, 'resolved');
    expect(resolved?.id).toBe(opened?.id);
    const outbox = await bench.store.outbox.listForAlert(opened?.id ?? '');
    expect(outbox.map((entry) => entry.kind).sort()).toEqual(['opened', 'resolved']);
  });

  it('records the first sight as a baseline event and the licensing as a change', async () => {
    const queueId = bench.addResourceAccount([]);
    await bench.notify(queueId);
    await bench.worker.runOnce();
    bench.setLicenses(queueId, [licenses.ra()]);
    await bench.notify(queueId);
    await bench.worker.runOnce();

    const events = await bench.store.events.query({ tenantId: TENANT, userId: queueId });
    expect(events.map((e) => e.change.source.kind)).toEqual(['baseline', 'notification']);
    expect(events[1]?.change.addedSkuIds).toEqual([licenses.ra().skuId]);
    expect(await bench.store.snapshots.get(TENANT, queueId)).toMatchObject({
      assignedLicenses: [licenses.ra()],
    });
  });

  it('warns when an ordinary user is given the resource-account license', async () => {
    const userId = bench.addUser([licenses.e5()], 'Adele Vance');
    await bench.notify(userId);
    await bench.worker.runOnce();
    expect(await alertsOf(userId)).toEqual([]);

    bench.setLicenses(userId, [licenses.e5(), licenses.ra()]);
    await bench.notify(userId);
    await bench.worker.runOnce();
    const alerts = await alertsOf(userId, 'open');
    expect(alerts.map((a) => [a.ruleId, a.severity])).toEqual([['ra.license-on-user', 'warning']]);
  });

  it('flags Teams Phone Standard brought in by E5, and not when MCOEV is in disabledPlans', async () => {
    const enabled = bench.addResourceAccount([licenses.ra(), licenses.e5()], 'Main Line');
    const disabled = bench.addResourceAccount([licenses.ra(), licenses.e5([MCOEV_PLAN_ID])], 'Help Desk');
    await bench.notify(enabled, disabled);
    expect(await bench.worker.runOnce()).toBe(2);

    const flagged = await alertsOf(enabled, 'open');
    expect(flagged.map((a) => a.ruleId)).toEqual(['ra.standard-on-ra']);
    expect(JSON.stringify(flagged[0]?.finding.evidence)).toContain('ENTERPRISEPREMIUM');
    expect(await alertsOf(disabled)).toEqual([]);
  });

  it('resolves the alerts of a deleted user and stops counting it as a resource account', async () => {
    const queueId = bench.addResourceAccount([]);
    await bench.notify(queueId);
    await bench.worker.runOnce();
    expect((await alertsOf(queueId, 'open')).map((a) => a.ruleId)).toEqual(['ra.unlicensed']);
    expect((await bench.store.identifications.listResourceAccounts(TENANT)).map((r) => r.userId)).toEqual([
      queueId,
    ]);

    bench.graph.deleteUser(TENANT, queueId);
    await bench.notify(queueId);
    await bench.worker.runOnce();

    expect(await alertsOf(queueId, 'open')).toEqual([]);
    expect((await alertsOf(queueId, 'resolved')).map((a) => a.ruleId)).toEqual(['ra.unlicensed']);
    expect(await bench.store.snapshots.get(TENANT, queueId)).toMatchObject({ deleted: true });
    expect(await bench.store.identifications.listResourceAccounts(TENANT)).toEqual([]);
    expect(bench.logs.some((line) => line.msg?.includes('deleted') === true && line.userId === queueId)).toBe(
      true,
    );
  });

  it('reads 45 changed users through Graph in $batch calls of at most 20', async () => {
    const userIds = Array.from({ length: 45 }, (_, i) => bench.addUser([licenses.e5()], `Burst ${i}`));
    await bench.notify(...userIds);
    expect(await bench.worker.runOnce()).toBe(45);

    const calls = bench.graph.calls.getUsers;
    expect(calls.length).toBe(3);
    for (const ids of calls) expect(ids.length).toBeLessThanOrEqual(20);
    expect(new Set(calls.flat())).toEqual(new Set(userIds));
    expect(bench.graph.calls.getUser).toEqual([]);
    const snapshots = await bench.store.snapshots.list(TENANT, { limit: 100 });
    expect(snapshots.length).toBe(45);
  });

  it('does not ask Teams again on every change of an account it has identified', async () => {
    const queueId = bench.addResourceAccount([]);
    for (const assigned of [[], [licenses.ra()], [licenses.ra(), licenses.e5()]]) {
      bench.setLicenses(queueId, assigned);
      await bench.notify(queueId);
      await bench.worker.runOnce();
    }
    expect(bench.graph.calls.getTeamsUserConfiguration).toEqual([queueId]);
  });
});

describe.each(ENGINES)('worker on %s: a change processed twice raises no second alert', (engine) => {
  let bench: Bench;
  let failCompletes = 0;
  beforeEach(async () => {
    failCompletes = 0;
    bench = await createBench(engine, {
      worker: { leaseMs: 1_000 },
      // The process "dies" after its work is durable but before the message is settled: the lease runs out and
      // the queue delivers the same message again.
      wrapQueue: (queue) => ({
        ...queue,
        complete: (message) => {
          if (failCompletes > 0) {
            failCompletes -= 1;
            return Promise.reject(new Error('simulated crash before settling'));
          }
          return queue.complete(message);
        },
      }),
    });
  });
  afterEach(async () => {
    await bench.close();
  });

  it('counts the redelivery as seen again, with no new event and no second outbox message', async () => {
    const queueId = bench.addResourceAccount([]);
    failCompletes = 1;
    await bench.notify(queueId);
    await runUntil(bench, async () => {
      const stats = await bench.queue.stats();
      return stats.ready + stats.scheduled + stats.inFlight === 0;
    });

    const [alert, ...more] = await bench.store.alerts.list({ tenantId: TENANT, userId: queueId });
    expect(more).toEqual([]);
    expect(alert).toMatchObject({ ruleId: 'ra.unlicensed', state: 'open', seenCount: 2 });
    expect(await bench.store.outbox.listForAlert(alert?.id ?? '')).toHaveLength(1);
    expect(await bench.store.events.count({ tenantId: TENANT, userId: queueId })).toBe(1);
    expect(bench.graph.calls.getUsers.flat().filter((id) => id === queueId)).toHaveLength(2);
  });
});
