/**
 * Graph redelivering the same notifications for a long time (it retries for up to four hours when it thinks a
 * delivery failed, and may deliver twice anyway). While the worker is paused, the same bodies arrive again and
 * again: each user is read once when the worker runs. A later real change to one of those users, announced by a
 * notification identical to the old ones, is still read and recorded.
 */
import { RA_SKU_ID } from '../../src/graph/simulator/scenarios/scenario-skus';
import { startReliabilityApp, type ReliabilityApp } from './support/reliability-app';
import { burst, deliverOnce, describeAnswers, newDeliveryLog } from './support/post-notifications';
import { printVerdict } from './support/verdict';

const USERS = 60;
const REDELIVERIES = 150;

describe('Graph redelivering the same notifications for a long time', () => {
  let harness: ReliabilityApp | null = null;
  afterEach(async () => {
    await harness?.stop();
    harness = null;
  });

  it('reads each user once, and still processes a later real change', async () => {
    harness = await startReliabilityApp({ engine: 'sqlite', people: 0, background: false });
    const { app, simulator, tenant } = harness;
    const users = tenant.userIds.slice(0, USERS);
    const bodies = burst(users, USERS, 20);
    const log = newDeliveryLog();
    for (let round = 0; round < REDELIVERIES; round += 1) {
      await Promise.all(bodies.map((body) => deliverOnce(harness!.url, tenant.tenantId, body, log)));
    }
    const waiting = await app.queue.stats();
    const readsOf = (userId: string) =>
      simulator
        .requests()
        .filter(
          (r) => r.method === 'GET' && r.path.toLowerCase().startsWith(`/v1.0/users/${userId.toLowerCase()}`),
        ).length;

    const handled = await app.worker.runOnce();
    const readsPerUser = users.map(readsOf);

    // A real change to a licensed resource account: its license is removed. Graph's notification is the same body.
    const changed = users[0]!;
    simulator.assignLicense(tenant.tenantId, changed, { removeLicenses: [RA_SKU_ID] });
    const later = newDeliveryLog();
    for (let round = 0; round < 20; round += 1)
      await deliverOnce(harness.url, tenant.tenantId, [changed], later);
    await app.worker.runOnce();
    const after = await app.store.snapshots.get(tenant.tenantId, changed);
    const alerts = await app.store.alerts.list({ tenantId: tenant.tenantId, userId: changed, limit: 10 });
    const stats = await app.queue.stats();

    const readOnce = readsPerUser.filter((n) => n === 1).length;
    const lost = printVerdict({
      scenario: 'Graph redelivering the same notifications (sqlite, worker paused)',
      sent: [
        `${USERS} users' notifications delivered ${REDELIVERIES} times each: ${log.accepted.length} notifications (${describeAnswers(log)})`,
        `then license removed from ${changed} and its identical notification delivered 20 times (${describeAnswers(later)})`,
      ],
      saw: [
        `queue while paused: ${waiting.ready} ready (redeliveries coalesced); the worker handled ${handled} messages`,
        `Graph reads per user: ${readOnce} users read exactly once, max ${Math.max(...readsPerUser)}`,
        `after the real change: ${readsOf(changed)} reads of ${changed}, licenses now ${JSON.stringify(after?.assignedLicenses ?? null)}, alerts ${alerts.map((a) => a.ruleId).join(', ') || 'none'}`,
      ],
      published: USERS + 1,
      processed: readOnce + (after?.assignedLicenses.length === 0 ? 1 : 0),
      deadLettered: stats.deadLettered,
    });
    expect(waiting.ready).toBeLessThanOrEqual(USERS);
    expect(readsPerUser).toEqual(users.map(() => 1));
    expect(readsOf(changed)).toBe(2);
    expect(after?.assignedLicenses).toEqual([]);
    expect(alerts.map((a) => a.ruleId)).toContain('ra.unlicensed');
    expect(lost).toBe(0);
  });
});
