/**
 * `ra-watch doctor [--json]`: the preflight (src/doctor/run-doctor.ts). Exit 0 when nothing failed (warnings
 * allowed), 1 when something did, like a linter; the report says what and how to fix it.
 */
import type { Command } from 'commander';
import { readEnvironment } from '../../config';
import { renderReport } from '../../doctor/render-report';
import { runDoctor } from '../../doctor/run-doctor';
import { createLogger } from '../../logger';
import { ReportedFailure } from '../cli-error';
import type { Output } from '../output';

export function registerDoctor(program: Command, output: Output): void {
  program
    .command('doctor')
    .description(
      'Check everything before going live: config, store, queue, Graph token and permissions, clock, PUBLIC_BASE_URL, alert channels.',
    )
    .option('--json', 'print one JSON document')
    .action(async (options: { json?: boolean }) => {
      // Diagnostics on stderr and quiet: the report is the output.
      const logger = createLogger({ level: 'error', destination: process.stderr });
      const report = await runDoctor({ env: readEnvironment(), logger });
      if (options.json === true) output.json(report);
      else for (const line of renderReport(report)) output.text(line);
      if (!report.ok) throw new ReportedFailure(`${report.problems} problem(s) found`);
    });
}
