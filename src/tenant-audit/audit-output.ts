/**
 * An audit report as an admin reads it: text lines for a terminal (`ra-watch audit`) and CSV for a spreadsheet
 * (`--csv`: one row per finding, or per resource account). `--json` is the report itself. The CSV is written by
 * `export/csv.ts`, as the replay's is: one quoting, formula-safe (display names and titles come from the tenant).
 */
import type { Finding } from '../glossary';
import { csvTable } from '../export/csv';
import type { AuditReport } from './audit-report';

export const FINDING_CSV_COLUMNS = [
  'ruleId',
  'severity',
  'userId',
  'userPrincipalName',
  'displayName',
  'title',
  'newSinceLastAudit',
  'dedupeKey',
] as const;
export const RESOURCE_ACCOUNT_CSV_COLUMNS = [
  'userId',
  'userPrincipalName',
  'displayName',
  'identifiedBy',
  'application',
  'licenses',
  'detail',
] as const;

export function auditFindingsCsv(report: AuditReport): string {
  const isNew = new Set(report.newSinceLastAudit);
  const rows = report.findings.map((f) => {
    const user = f.subject.kind === 'user' ? f.subject : null;
    return [
      f.ruleId,
      f.severity,
      user?.userId ?? null,
      user?.userPrincipalName ?? null,
      user?.displayName ?? null,
      f.title,
      isNew.has(f.dedupeKey) ? 'yes' : 'no',
      f.dedupeKey,
    ];
  });
  return csvTable(FINDING_CSV_COLUMNS, rows);
}

export function auditResourceAccountsCsv(report: AuditReport): string {
  const rows = report.resourceAccounts.map((ra) => [
    ra.userId,
    ra.upn,
    ra.displayName,
    ra.identifiedBy,
    ra.application,
    ra.licenses.map((l) => l.skuPartNumber ?? l.skuId).join(' '),
    ra.detail,
  ]);
  return csvTable(RESOURCE_ACCOUNT_CSV_COLUMNS, rows);
}

/** A summary, the findings by severity, the resource accounts, and the allocation. */
export function describeAudit(report: AuditReport): string[] {
  const lines = [
    `Audit of tenant ${report.tenantId}: ${report.usersScanned} users scanned, ${report.resourceAccounts.length} resource accounts, ${report.findings.length} findings` +
      (report.previousAuditAt === null
        ? ' (first audit)'
        : ` (${report.newSinceLastAudit.length} new, ${report.goneSinceLastAudit.length} gone since ${report.previousAuditAt})`),
    '',
  ];
  const bySeverity: Array<Finding['severity']> = ['critical', 'warning', 'info'];
  const isNew = new Set(report.newSinceLastAudit);
  for (const severity of bySeverity) {
    const found = report.findings.filter((f) => f.severity === severity);
    if (found.length === 0) continue;
    lines.push(`${severity.toUpperCase()} (${found.length})`);
    for (const f of found)
      lines.push(
        `  ${isNew.has(f.dedupeKey) && report.previousAuditAt !== null ? '[new] ' : ''}${f.ruleId}  ${f.title}`,
      );
    lines.push('');
  }
  if (report.findings.length === 0) lines.push('No violations found.', '');
  lines.push('Resource accounts');
  for (const ra of report.resourceAccounts) {
    const licenses = ra.licenses.map((l) => l.skuPartNumber ?? l.skuId).join(', ') || 'no license';
    lines.push(
      `  ${ra.upn ?? ra.userId}  ${ra.application}  [${licenses}]  identified by ${ra.identifiedBy}`,
    );
  }
  const a = report.allocation;
  lines.push(
    '',
    `Allocation: ${a.freeAllocation} free, ${a.needed} needed, ${a.purchasedRaLicenses ?? 'unknown'} purchased, ${a.toBuy} to buy, ${a.unclaimed ?? 'unknown'} unclaimed`,
    `  ${a.basisText}`,
  );
  return lines;
}
