import { runTenantAudit } from '../../src/tenant-audit/tenant-audit';
import { resourceAccount } from '../../src/graph/simulator/scenarios/scenario-people';
import { silentLogger } from '../../src/logger';
import { KNOWN, userIdAt, violationsTenant, WATCH_TENANT } from '../subscriptions/support/seeds';
import { startWatchHarness, type WatchHarness } from '../subscriptions/support/watch-harness';

// Issue 7: "audit of a simulated tenant of 20,000 users with known violations (all found, no false ones)".
// Correctness only; wall time and memory at 300k are measured in bench/, not here.
const EXTRA_UNLICENSED = Array.from({ length: 20 }, (_, i) => userIdAt(900_000 + i * 997));

describe('the audit of a 20,000-user tenant', () => {
  let h: WatchHarness;
  beforeAll(async () => {
    const seed = violationsTenant(20_000 - 6 - EXTRA_UNLICENSED.length);
    const extras = EXTRA_UNLICENSED.map((id, i) =>
      resourceAccount(id, `ra_cq_${i}@watchco.com`, `Queue ${i}`, 'call-queue', []),
    );
    // Spread the extra accounts through the tenant rather than at one end of the delta.
    const users = [...seed.users];
    extras.forEach((ra, i) => users.splice(1_000 * (i + 1), 0, ra));
    h = await startWatchHarness({ seeds: [{ ...seed, users }], simulator: { deltaPageSize: 500 } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('finds every known violation and no other', async () => {
    const report = await runTenantAudit({
      store: h.store,
      graph: h.reader,
      logger: silentLogger(),
      tenantId: WATCH_TENANT,
    });

    expect(report.usersScanned).toBe(20_000);
    const found = report.findings
      .map((f) => `${f.ruleId} ${f.subject.kind === 'user' ? f.subject.userId : 'tenant'}`)
      .sort();
    expect(found).toEqual(
      [
        `ra.license-on-user ${KNOWN.raLicenseOnUser}`,
        `ra.standard-on-ra ${KNOWN.standardAndRaRa}`,
        `ra.standard-on-ra ${KNOWN.standardOnlyRa}`,
        `ra.unlicensed ${KNOWN.standardOnlyRa}`,
        `ra.unlicensed ${KNOWN.unlicensedRa}`,
        ...EXTRA_UNLICENSED.map((id) => `ra.unlicensed ${id}`),
        // 24 resource accounts, 10 RA seats bought, 130 free: 14 free seats still to claim at $0.
        'ra.allocation-unclaimed tenant',
      ].sort(),
    );
    expect(report.resourceAccounts).toHaveLength(4 + EXTRA_UNLICENSED.length);
    expect(report.allocation).toMatchObject({
      needed: 24,
      freeAllocation: 130,
      purchasedRaLicenses: 10,
      unclaimed: 14,
    });
    // Teams is asked about candidates only, never about 20,000 users.
    expect(report.teamsLookups).toBeLessThan(50);
  });
});
