/**
 * `ra-watch audit [--tenant id] [--record] [--json|--csv]`: a full-tenant scan (users delta, paged) that reports
 * every resource account, every current violation, the allocation and what is new since the last audit. `--record`
 * also writes the verdicts as alerts (the baseline a first start takes). On a terminal a progress line shows the scan.
 */
import type { Command } from 'commander';
import { auditFindingsCsv, describeAudit } from '../../tenant-audit/audit-output';
import type { AuditProgress } from '../../tenant-audit/tenant-audit';
import { UsageError } from '../cli-error';
import type { Output } from '../output';
import { tenantOf, withApp } from '../open-app';

interface AuditOptions {
  tenant?: string;
  record?: boolean;
  json?: boolean;
  csv?: boolean;
}

function progressLine(progress: AuditProgress): void {
  process.stderr.write(
    `\r${progress.usersScanned} users scanned (${progress.pages} pages), ${progress.resourceAccounts} resource accounts, ${progress.findings} findings`,
  );
}

export function registerAudit(program: Command, output: Output): void {
  program
    .command('audit')
    .description(
      'Scan the whole tenant: every resource account, every current violation, the free allocation.',
    )
    .option('--tenant <id>', 'tenant id (default AZURE_TENANT_ID)')
    .option('--record', 'also open and resolve alerts from the result (the baseline)')
    .option('--json', 'print one JSON report')
    .option('--csv', 'print the findings as CSV')
    .action(async (options: AuditOptions) => {
      if (options.json === true && options.csv === true)
        throw new UsageError('choose one of --json and --csv.');
      const onTerminal = process.stderr.isTTY && options.json !== true && options.csv !== true;
      const report = await withApp((app, config) =>
        app.audit(tenantOf(options.tenant, config), {
          record: options.record === true,
          ...(onTerminal ? { onProgress: progressLine } : {}),
        }),
      );
      if (onTerminal) process.stderr.write('\n');
      if (options.json === true) output.json(report);
      else if (options.csv === true) output.text(auditFindingsCsv(report).trimEnd());
      else for (const line of describeAudit(report)) output.text(line);
    });
}
