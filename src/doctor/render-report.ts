/**
 * The doctor's report for a person: one line per check (✔ ok, ! warning, ✖ problem, - skipped), the fix indented
 * under anything that is not ok, and a last line that counts. `--json` prints the report itself instead.
 */
import type { CheckStatus, DoctorReport } from './doctor-check';

const MARK: Record<CheckStatus, string> = { ok: '✔', warn: '!', fail: '✖', skipped: '-' };

export function renderReport(report: DoctorReport): string[] {
  const lines: string[] = [];
  for (const check of report.checks) {
    lines.push(`${MARK[check.status]} ${check.title}: ${check.detail}`);
    if (check.status !== 'ok' && check.fix !== undefined) lines.push(`    fix: ${check.fix}`);
  }
  const count = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;
  lines.push('');
  lines.push(
    report.ok
      ? `Ready: no problem found${report.warnings > 0 ? ` (${count(report.warnings, 'warning')})` : ''}.`
      : `${count(report.problems, 'problem')} found${report.warnings > 0 ? `, ${count(report.warnings, 'warning')}` : ''}: fix them, then run ra-watch doctor again.`,
  );
  return lines;
}
