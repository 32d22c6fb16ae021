/**
 * What `ra-watch doctor` reports: one result per thing it tried, each with what it found and, when it is not right,
 * what to do. The shape is the `--json` contract (add fields, never rename them).
 */

/** ok: fine; warn: works but will bite (reported, exit 0); fail: a problem (exit 1); skipped: could not be tried. */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skipped';

export interface CheckResult {
  /** Stable id for scripts: config, store, queue, graph-token, graph-permission, public-url, clock, alert-channel. */
  check: string;
  /** What was checked, for a person: "Graph permission AuditLog.Read.All (tenant …)". */
  title: string;
  status: CheckStatus;
  /** What was found. */
  detail: string;
  /** What to do about it, when the status is not ok. */
  fix?: string;
  tenantId?: string;
  /** The Graph application permission a graph-permission check tried. */
  permission?: string;
  /** Where an admin grants the missing permissions (admin consent for the whole app registration). */
  consentUrl?: string;
  /** The alert channel an alert-channel check sent to. */
  sink?: string;
}

export interface DoctorReport {
  /** No check failed (warnings allowed). */
  ok: boolean;
  problems: number;
  warnings: number;
  checks: CheckResult[];
}

export function reportOf(checks: CheckResult[]): DoctorReport {
  const problems = checks.filter((c) => c.status === 'fail').length;
  const warnings = checks.filter((c) => c.status === 'warn').length;
  return { ok: problems === 0, problems, warnings, checks };
}
