/**
 * One incident, one alert. A remove-first swap the snapshots prove (Standard only, then neither) is alerted at once,
 * before the audit log has a record of it; its alert is keyed by the last snapshot that showed Standard. When the
 * records arrive, the rule names the same incident by its removal activity instead, another dedupe key: recorded as
 * it is, that would open a second alert. So a remove-first finding from the audit log whose removal happened
 * between those two snapshots takes over the open alert's key, and the alert is updated with the fuller evidence.
 * The snapshot times stay in the evidence, so later reads (the RA license arriving) find the same alert again.
 */
import type { Alert, Finding, Json } from '../glossary';

/** Graph's activityDateTime and our clock disagree a little. */
const CLOCK_SKEW_MS = 2 * 60_000;

interface SnapshotWindow {
  standardLastSeenAt: string;
  neitherLicenseSeenAt: string;
}

/** Findings with the key of the open snapshot-proven alert where they describe its incident; others unchanged. */
export function adoptSnapshotProvenAlerts(
  findings: readonly Finding[],
  openAlerts: readonly Alert[],
): Finding[] {
  const openKeys = new Set(openAlerts.map((alert) => alert.dedupeKey));
  const candidates = openAlerts
    .filter((alert) => alert.ruleId === 'ra.non-atomic-swap' && alert.state === 'open')
    .flatMap((alert) => {
      const window = snapshotWindow(alert.finding.evidence);
      return window === null ? [] : [{ alert, window }];
    });
  return findings.map((finding) => {
    if (finding.ruleId !== 'ra.non-atomic-swap' || openKeys.has(finding.dedupeKey)) return finding;
    const evidence = finding.evidence;
    if (evidence['order'] !== 'remove-first' || evidence['proof'] !== 'audit-log') return finding;
    const removedAt =
      typeof evidence['withoutLicenseFrom'] === 'string' ? Date.parse(evidence['withoutLicenseFrom']) : NaN;
    if (Number.isNaN(removedAt)) return finding;
    const match = candidates.find(
      ({ alert, window }) =>
        alert.userId !== null &&
        finding.subject.kind === 'user' &&
        alert.userId.toLowerCase() === finding.subject.userId.toLowerCase() &&
        removedAt >= Date.parse(window.standardLastSeenAt) - CLOCK_SKEW_MS &&
        removedAt <= Date.parse(window.neitherLicenseSeenAt) + CLOCK_SKEW_MS,
    );
    if (match === undefined) return finding;
    return {
      ...finding,
      dedupeKey: match.alert.dedupeKey,
      evidence: {
        ...evidence,
        firstProvenBy: 'snapshots',
        standardLastSeenAt: match.window.standardLastSeenAt,
        neitherLicenseSeenAt: match.window.neitherLicenseSeenAt,
      },
    };
  });
}

function snapshotWindow(evidence: { [key: string]: Json }): SnapshotWindow | null {
  const from = evidence['standardLastSeenAt'];
  const to = evidence['neitherLicenseSeenAt'];
  if (typeof from !== 'string' || typeof to !== 'string') return null;
  return { standardLastSeenAt: from, neitherLicenseSeenAt: to };
}
