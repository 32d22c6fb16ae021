import {
  auditFindingsCsv,
  auditResourceAccountsCsv,
  describeAudit,
} from '../../src/tenant-audit/audit-output';
import { runTenantAudit, type AuditReport } from '../../src/tenant-audit/tenant-audit';
import { silentLogger } from '../../src/logger';
import { KNOWN, violationsTenant, WATCH_TENANT } from '../subscriptions/support/seeds';
import { startWatchHarness, type WatchHarness } from '../subscriptions/support/watch-harness';

describe('the audit report as a table and as CSV', () => {
  let h: WatchHarness;
  let report: AuditReport;
  beforeAll(async () => {
    const seed = violationsTenant(3);
    // A tenant-supplied name that a spreadsheet would run as a formula.
    const users = seed.users.map((u) =>
      u.id === KNOWN.unlicensedRa ? { ...u, displayName: '=HYPERLINK("http://evil")' } : u,
    );
    h = await startWatchHarness({ seeds: [{ ...seed, users }] });
    report = await runTenantAudit({
      store: h.store,
      graph: h.reader,
      logger: silentLogger(),
      tenantId: WATCH_TENANT,
    });
  });
  afterAll(async () => {
    await h.close();
  });

  it('writes one CSV row per finding after the header, with formula-looking cells neutralised', () => {
    const lines = auditFindingsCsv(report).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'ruleId,severity,userId,userPrincipalName,displayName,title,newSinceLastAudit,dedupeKey',
    );
    expect(lines).toHaveLength(1 + report.findings.length);
    const unlicensed = lines.find((l) => l.startsWith('ra.unlicensed,') && l.includes(KNOWN.unlicensedRa));
    expect(unlicensed).toContain(`"'=HYPERLINK(""http://evil"")"`);
  });

  it('writes one CSV row per resource account with its licenses by name', () => {
    const lines = auditResourceAccountsCsv(report).trimEnd().split('\r\n');
    expect(lines).toHaveLength(1 + report.resourceAccounts.length);
    expect(lines.find((l) => l.startsWith(KNOWN.standardAndRaRa))).toMatch(
      /MCOEV PHONESYSTEM_VIRTUALUSER|PHONESYSTEM_VIRTUALUSER MCOEV/,
    );
  });

  it('describes the audit for a terminal: counts, findings by severity, accounts, allocation', () => {
    const text = describeAudit(report).join('\n');
    expect(text).toMatch(
      new RegExp(
        `${report.usersScanned} users scanned, 4 resource accounts, ${report.findings.length} findings \\(first audit\\)`,
      ),
    );
    expect(text).toMatch(/CRITICAL \(2\)/);
    expect(text).toMatch(/ra_cq_sales@watchco\.com {2}unknown {2}\[no license\]/);
    expect(text).toMatch(/Allocation: 130 free, 4 needed, 10 purchased, 0 to buy, 0 unclaimed/);
  });
});
