import { runTenantAudit } from '../../src/tenant-audit/tenant-audit';
import type { Finding } from '../../src/glossary';
import { RA_SKU_ID } from '../../src/licensing/catalog-data';
import { silentLogger } from '../../src/logger';
import type { UserChanged } from '../../src/queue/work-item';
import { USERS_DELTA_LINK_KEY } from '../../src/subscriptions/delta-reconcile';
import { KNOWN, violationsTenant, WATCH_TENANT } from '../subscriptions/support/seeds';
import { startWatchHarness, type WatchHarness } from '../subscriptions/support/watch-harness';

const verdicts = (findings: Finding[]): string[] =>
  findings.map((f) => `${f.ruleId} ${f.subject.kind === 'user' ? f.subject.userId : 'tenant'}`).sort();

const EXPECTED = [
  `ra.license-on-user ${KNOWN.raLicenseOnUser}`,
  `ra.standard-on-ra ${KNOWN.standardAndRaRa}`,
  `ra.standard-on-ra ${KNOWN.standardOnlyRa}`,
  `ra.unlicensed ${KNOWN.standardOnlyRa}`,
  `ra.unlicensed ${KNOWN.unlicensedRa}`,
].sort();

describe('the full-tenant audit against the Graph simulator', () => {
  let h: WatchHarness;
  beforeEach(async () => {
    h = await startWatchHarness({ seeds: [violationsTenant(40)], simulator: { deltaPageSize: 7 } });
  });
  afterEach(async () => {
    await h.close();
  });

  const audit = (record: boolean) =>
    runTenantAudit({
      store: h.store,
      graph: h.reader,
      logger: silentLogger(),
      tenantId: WATCH_TENANT,
      routing: () => ['log'],
      queue: h.queue,
      options: { record },
    });

  it('reports every resource account, every violation and the allocation, and writes no alert without record', async () => {
    const progress: number[] = [];
    const report = await runTenantAudit({
      store: h.store,
      graph: h.reader,
      logger: silentLogger(),
      tenantId: WATCH_TENANT,
      options: { onProgress: (p) => progress.push(p.usersScanned) },
    });

    expect(report.usersScanned).toBe(46);
    expect(report.pages).toBe(Math.ceil(46 / 7));
    expect(progress).toHaveLength(report.pages);
    expect(verdicts(report.findings)).toEqual(EXPECTED);
    expect(report.resourceAccounts.map((r) => r.userId).sort()).toEqual(
      [KNOWN.cleanRa, KNOWN.unlicensedRa, KNOWN.standardOnlyRa, KNOWN.standardAndRaRa].sort(),
    );
    for (const ra of report.resourceAccounts) expect(ra.identifiedBy).toBe('teams-user-configuration');
    const after = report.resourceAccounts.find((r) => r.userId === KNOWN.standardAndRaRa);
    expect(after?.licenses.map((l) => l.skuPartNumber).sort()).toEqual(['MCOEV', 'PHONESYSTEM_VIRTUALUSER']);
    // 1000 E5 + 50 Teams Phone Standard qualify: 25 + floor(1050 / 10) = 130 free; 4 accounts; 10 RA seats bought.
    expect(report.allocation).toMatchObject({
      qualifyingLicenses: 1050,
      freeAllocation: 130,
      needed: 4,
      purchasedRaLicenses: 10,
      toBuy: 0,
    });
    expect(report.allocation.basisText).toMatch(/ENTERPRISEPREMIUM/);
    expect(report.newSinceLastAudit.sort()).toEqual(report.findings.map((f) => f.dedupeKey).sort());
    expect(report.recorded).toBeNull();

    expect(await h.store.alerts.list({ tenantId: WATCH_TENANT })).toHaveLength(0);
    expect(await h.store.settings.get(WATCH_TENANT, USERS_DELTA_LINK_KEY)).toBeNull();
  });

  it('as the baseline: opens the alerts, hands stale users to the worker, keeps the delta link; later audits compare', async () => {
    const first = await audit(true);

    expect(first.recorded).toMatchObject({ opened: EXPECTED.length, resolved: 0, deltaLinkStored: true });
    const open = await h.store.alerts.list({ tenantId: WATCH_TENANT, state: 'open' });
    expect(open.map((a) => `${a.ruleId} ${a.userId ?? 'tenant'}`).sort()).toEqual(EXPECTED);
    expect(await h.store.settings.get(WATCH_TENANT, USERS_DELTA_LINK_KEY)).not.toBeNull();
    expect((await h.store.identifications.listResourceAccounts(WATCH_TENANT)).length).toBe(4);
    // No stored snapshots yet: every account with a verdict is read by the worker (4 resource accounts + Adele).
    const baseline = (await h.drain()).filter((w): w is UserChanged => w.kind === 'user-changed');
    expect(baseline.map((w) => w.userId).sort()).toEqual(
      [
        KNOWN.cleanRa,
        KNOWN.unlicensedRa,
        KNOWN.standardOnlyRa,
        KNOWN.standardAndRaRa,
        KNOWN.raLicenseOnUser,
      ].sort(),
    );
    for (const w of baseline) expect(w.source).toBe('baseline');

    const again = await audit(true);
    expect(again.recorded).toMatchObject({ opened: 0, stillOpen: EXPECTED.length, resolved: 0 });
    expect(again.newSinceLastAudit).toEqual([]);
    expect(again.previousAuditAt).toBe(first.finishedAt);

    h.simulator.assignLicense(WATCH_TENANT, KNOWN.unlicensedRa, { addLicenses: [{ skuId: RA_SKU_ID }] });
    const fixed = await audit(true);
    expect(fixed.recorded).toMatchObject({ opened: 0, resolved: 1 });
    expect(fixed.goneSinceLastAudit).toEqual([
      expect.stringContaining(`ra.unlicensed:${WATCH_TENANT}:${KNOWN.unlicensedRa}`),
    ]);
    expect((await h.store.alerts.list({ tenantId: WATCH_TENANT, state: 'open' })).length).toBe(
      EXPECTED.length - 1,
    );
  });

  it('lets the registry win both ways: a declared account is one, an excluded one is not', async () => {
    const at = new Date().toISOString();
    await h.store.registry.put({
      tenantId: WATCH_TENANT,
      userId: KNOWN.raLicenseOnUser,
      isResourceAccount: true,
      application: 'call-queue',
      note: 'lobby phone',
      updatedAt: at,
      updatedBy: null,
    });
    await h.store.registry.put({
      tenantId: WATCH_TENANT,
      userId: KNOWN.cleanRa,
      isResourceAccount: false,
      application: 'unknown',
      note: null,
      updatedAt: at,
      updatedBy: null,
    });

    const report = await audit(false);

    const ids = report.resourceAccounts.map((r) => r.userId);
    expect(ids).toContain(KNOWN.raLicenseOnUser);
    expect(ids).not.toContain(KNOWN.cleanRa);
    expect(report.resourceAccounts.find((r) => r.userId === KNOWN.raLicenseOnUser)).toMatchObject({
      identifiedBy: 'registry',
      application: 'call-queue',
    });
    expect(verdicts(report.findings)).not.toContain(`ra.license-on-user ${KNOWN.raLicenseOnUser}`);
    // Excluded, yet holding the resource-account license: now it is an ordinary user misusing it.
    expect(verdicts(report.findings)).toContain(`ra.license-on-user ${KNOWN.cleanRa}`);
  });
});
