/**
 * Issue 17 items 1 and 6, through real HTTP against the Graph simulator, in simulated time (graph-time-harness.ts):
 * the shipping schedules against Graph's real lags. Directory audit records that become visible 60 s after the
 * activity give the swap verdict within 90 s and the reads then stop; a remove-first swap the snapshots prove is
 * alerted at once and completed from the audit log into the same alert; a group license applied 20 s after the
 * membership change is caught in under 2 minutes.
 */
import type { TenantSeed } from '../../src/graph/simulator';
import { RA_SKU_ID, TEAMS_PHONE_STANDARD_SKU_ID } from '../../src/licensing/catalog-data';
import { ENGINES } from '../support/databases';
import { GROUP_ID, RA_ID, smallTenant } from '../graph/simulator/small-tenant';
import { createTimedBench, type TimedBench } from './graph-time-harness';

const UNLICENSED_RA_ID = '5b2e7c14-8d3f-4a61-9e07-c4f1a2b3d5e6';
const SECOND = 1_000;
const MINUTE = 60 * SECOND;

function tenant(): TenantSeed {
  const seed = smallTenant();
  return {
    ...seed,
    users: [
      ...seed.users,
      {
        id: UNLICENSED_RA_ID,
        userPrincipalName: 'ra_aa_main@contoso.onmicrosoft.com',
        displayName: 'Main Line',
        resourceAccount: { application: 'auto-attendant', telephoneNumber: '+14255550100' },
      },
    ],
  };
}

describe.each(ENGINES)('on %s, in simulated time against the simulator over HTTP', (engine) => {
  let bench: TimedBench;
  afterEach(async () => {
    await bench.close();
  });

  /** The account's first read: the baseline every later change is diffed against. */
  async function baseline(userId: string): Promise<void> {
    await bench.notifyUser(userId);
    await bench.worker.runOnce();
  }

  it('audit records visible after 60 s give the swap verdict within 90 s, and the reads stop there', async () => {
    bench = await createTimedBench(engine, tenant(), { auditLagMs: 60 * SECOND });
    await baseline(RA_ID);
    // Two operations, both done before the worker reads the account: only the audit log can tell.
    const changedAt = bench.now();
    bench.sim.assignLicense(bench.tenantId, RA_ID, { removeLicenses: [TEAMS_PHONE_STANDARD_SKU_ID] });
    // A second later (the clock stands still between steps: the same millisecond would leave the order to chance).
    jest.setSystemTime(Date.now() + SECOND);
    bench.sim.assignLicense(bench.tenantId, RA_ID, { addLicenses: [{ skuId: RA_SKU_ID }] });
    await bench.notifyUser(RA_ID);
    await bench.worker.runOnce();
    expect(await bench.alerts(RA_ID, 'ra.non-atomic-swap')).toEqual([]);

    const decidedAt = await bench.advanceUntil(
      async () => (await bench.alerts(RA_ID, 'ra.non-atomic-swap')).length > 0,
      { stepMs: SECOND, limitMs: 3 * MINUTE },
    );
    expect(decidedAt).not.toBeNull();
    const latency = (decidedAt ?? Infinity) - changedAt;
    // Not before the records were visible (so it was the audit log that decided), and within 90 s of the change.
    expect(latency).toBeGreaterThanOrEqual(61 * SECOND);
    expect(latency).toBeLessThanOrEqual(90 * SECOND);
    const [swap] = await bench.alerts(RA_ID, 'ra.non-atomic-swap');
    expect(swap).toMatchObject({ severity: 'critical', state: 'open' });
    expect(swap?.finding.evidence).toMatchObject({ order: 'remove-first', proof: 'audit-log' });

    // The records explained the change: the rest of the schedule (to 50 min) makes no further read.
    const readsAtVerdict = bench.auditReads();
    expect(readsAtVerdict).toBeGreaterThan(0);
    await bench.advanceUntil(() => Promise.resolve(false), { stepMs: MINUTE, limitMs: 60 * MINUTE });
    expect(bench.auditReads()).toBe(readsAtVerdict);
    expect(await bench.queue.stats()).toMatchObject({ ready: 0, scheduled: 0, deadLettered: 0 });
  });

  it('a remove-first swap the snapshots prove alerts at once; the audit log then completes that one alert, never a second', async () => {
    bench = await createTimedBench(engine, tenant(), { auditLagMs: 60 * SECOND });
    await baseline(RA_ID);
    const removedAt = bench.now();
    bench.sim.assignLicense(bench.tenantId, RA_ID, { removeLicenses: [TEAMS_PHONE_STANDARD_SKU_ID] });
    await bench.notifyUser(RA_ID);
    await bench.worker.runOnce();

    // At once, before any audit record is visible, with the snapshots as proof.
    const [first, ...none] = await bench.alerts(RA_ID, 'ra.non-atomic-swap');
    expect(none).toEqual([]);
    expect(first).toMatchObject({ severity: 'critical', state: 'open' });
    expect(Date.parse(first?.firstSeenAt ?? '') - removedAt).toBe(0);
    expect(first?.finding.evidence).toMatchObject({ order: 'remove-first', proof: 'snapshots' });
    expect(bench.auditReads()).toBe(0);

    // The removal's record becomes visible at 60 s: the same alert gains it.
    const completedAt = await bench.advanceUntil(
      async () =>
        (await bench.alerts(RA_ID, 'ra.non-atomic-swap'))[0]?.finding.evidence['proof'] === 'audit-log',
      { stepMs: SECOND, limitMs: 3 * MINUTE },
    );
    expect((completedAt ?? Infinity) - removedAt).toBeLessThanOrEqual(90 * SECOND);

    // Then the admin adds the RA license: the alert learns the second operation and how long the gap was.
    await bench.advance(2 * MINUTE);
    bench.sim.assignLicense(bench.tenantId, RA_ID, { addLicenses: [{ skuId: RA_SKU_ID }] });
    await bench.notifyUser(RA_ID);
    await bench.worker.runOnce();
    await bench.advanceUntil(
      async () =>
        (await bench.alerts(RA_ID, 'ra.non-atomic-swap'))[0]?.finding.evidence['withoutLicenseUntil'] != null,
      { stepMs: SECOND, limitMs: 3 * MINUTE },
    );
    await bench.advanceUntil(() => Promise.resolve(false), { stepMs: MINUTE, limitMs: 60 * MINUTE });

    const swaps = await bench.alerts(RA_ID, 'ra.non-atomic-swap');
    expect(swaps.map((a) => a.id)).toEqual([first?.id]);
    expect(swaps[0]?.finding.evidence).toMatchObject({
      order: 'remove-first',
      proof: 'audit-log',
      firstProvenBy: 'snapshots',
      secondsWithoutLicense: expect.any(Number) as unknown,
    });
    expect(swaps[0]?.finding.evidence['secondsWithoutLicense']).toBeGreaterThanOrEqual(180);
    // One message when it opened; the updates sent none.
    const outbox = await bench.store.outbox.listForAlert(first?.id ?? '');
    expect(outbox.map((entry) => entry.kind)).toEqual(outbox.map(() => 'opened'));
    expect(new Set(outbox.map((entry) => entry.sink))).toEqual(new Set(['log']));
    expect(outbox).toHaveLength(1);
  });

  it('a group license applied 20 s after the membership change is caught in under 2 minutes', async () => {
    bench = await createTimedBench(engine, tenant(), { groupLicensingLagMs: 20 * SECOND });
    await baseline(UNLICENSED_RA_ID);
    expect(await bench.alerts(UNLICENSED_RA_ID, 'ra.standard-on-ra')).toEqual([]);

    const joinedAt = bench.now();
    bench.sim.addGroupMember(bench.tenantId, GROUP_ID, UNLICENSED_RA_ID);
    await bench.notifyGroup(GROUP_ID, [UNLICENSED_RA_ID]);
    await bench.worker.runOnce();
    // The read at once saw the member before its group license was applied.
    expect(await bench.alerts(UNLICENSED_RA_ID, 'ra.standard-on-ra')).toEqual([]);

    const caughtAt = await bench.advanceUntil(
      async () => (await bench.alerts(UNLICENSED_RA_ID, 'ra.standard-on-ra')).length > 0,
      { stepMs: SECOND, limitMs: 5 * MINUTE },
    );
    expect(caughtAt).not.toBeNull();
    expect((caughtAt ?? Infinity) - joinedAt).toBeGreaterThanOrEqual(20 * SECOND);
    expect((caughtAt ?? Infinity) - joinedAt).toBeLessThan(2 * MINUTE);
    const [alert] = await bench.alerts(UNLICENSED_RA_ID, 'ra.standard-on-ra');
    expect(JSON.stringify(alert?.finding.evidence)).toContain(GROUP_ID);
  });
});
