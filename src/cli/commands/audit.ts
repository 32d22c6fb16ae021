/**
 * `ra-watch audit [--tenant id] [--record] [-o table|json|csv] [--fail-on critical|warning]`: a full-tenant scan
 * (users delta, paged) that reports every resource account, every current violation, the allocation and what is new
 * since the last audit. `--record` also writes the verdicts as alerts (the baseline a first start takes). On a
 * terminal a progress line shows the scan. `--fail-on` makes it a check for scripts and CI, like a linter: exit 1
 * when a finding of that severity (or worse) exists.
 */
import type { Command } from 'commander';
import type { Severity } from '../../glossary';
import { auditFindingsCsv, describeAudit } from '../../tenant-audit/audit-output';
import type { AuditProgress } from '../../tenant-audit/tenant-audit';
import { ReportedFailure, UsageError } from '../cli-error';
import type { Output } from '../output';
import { tenantOf, withApp } from '../open-app';
import { outputOptions, reportFormat, type FormatOptions } from '../report-format';

interface AuditOptions extends FormatOptions {
  tenant?: string;
  record?: boolean;
  failOn?: string;
}

/** `--fail-on X` fails on X and on every severity above it. */
const AT_LEAST: Record<'critical' | 'warning', readonly Severity[]> = {
  critical: ['critical'],
  warning: ['critical', 'warning'],
};

function progressLine(progress: AuditProgress): void {
  process.stderr.write(
    `\r${progress.usersScanned} users scanned (${progress.pages} pages), ${progress.resourceAccounts} resource accounts, ${progress.findings} findings`,
  );
}

export function registerAudit(program: Command, output: Output): void {
  outputOptions(
    program
      .command('audit')
      .description(
        'Scan the whole tenant: every resource account, every current violation, the free allocation.',
      )
      .option('--tenant <id>', 'tenant id (default AZURE_TENANT_ID)')
      .option('--record', 'also open and resolve alerts from the result (the baseline)')
      .option('--fail-on <critical|warning>', 'exit 1 when a finding of this severity (or worse) exists')
      .option('--csv', 'the same as -o csv: the findings as CSV'),
  ).action(async (options: AuditOptions) => {
    const format = reportFormat(options);
    const failOn = options.failOn;
    if (failOn !== undefined && failOn !== 'critical' && failOn !== 'warning')
      throw new UsageError(`--fail-on takes critical or warning, got ${JSON.stringify(failOn)}.`);
    const onTerminal = process.stderr.isTTY && format === 'table';
    const report = await withApp((app, config) =>
      app.audit(tenantOf(options.tenant, config), {
        record: options.record === true,
        ...(onTerminal ? { onProgress: progressLine } : {}),
      }),
    );
    if (onTerminal) process.stderr.write('\n');
    if (format === 'json') output.json(report);
    else if (format === 'csv') output.text(auditFindingsCsv(report).trimEnd());
    else for (const line of describeAudit(report)) output.text(line);
    if (failOn !== undefined) {
      const failing = report.findings.filter((f) => AT_LEAST[failOn].includes(f.severity));
      if (failing.length > 0) {
        output.error(
          `ra-watch: ${failing.length} finding(s) of severity ${failOn} or worse (--fail-on ${failOn}).`,
        );
        throw new ReportedFailure('findings at or above --fail-on');
      }
    }
  });
}
