/**
 * `ra-watch audit [--tenant id] [--record] [--json]`: a full-tenant scan (users delta, paged) that reports every
 * resource account, every current violation and the allocation. `--record` also writes the verdicts as alerts (the
 * baseline a first start takes).
 */
import type { Command } from 'commander';
import type { AuditReport } from '../../audit/audit-report';
import type { Output } from '../output';
import { tenantOf, withApp } from '../open-app';
import { describeAllocation } from './allocation';

interface AuditOptions {
  tenant?: string;
  record?: boolean;
  json?: boolean;
}

export function registerAudit(program: Command, output: Output): void {
  program
    .command('audit')
    .description('Scan the whole tenant: every resource account, every current violation, the free allocation.')
    .option('--tenant <id>', 'tenant id (default AZURE_TENANT_ID)')
    .option('--record', 'also open and resolve alerts from the result (the baseline)')
    .option('--json', 'print one JSON report')
    .action(async (options: AuditOptions) => {
      const report = await withApp((app, config) => app.audit(tenantOf(options.tenant, config), { record: options.record === true }));
      if (options.json === true) output.json(report);
      else printAudit(report, output);
    });
}

function printAudit(report: AuditReport, output: Output): void {
  output.text(`Tenant ${report.tenantId}: ${report.usersScanned} users scanned, ${report.resourceAccounts.length} resource accounts.`);
  if (report.findings.length === 0) output.text('No violations.');
  for (const finding of report.findings) output.text(`  [${finding.severity}] ${finding.ruleId}: ${finding.title}`);
  for (const line of describeAllocation(report.allocation)) output.text(line);
}
