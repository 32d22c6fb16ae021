/**
 * Today's findings for one replayed event against the alerts ra-watch raised at the time. Three outcomes:
 *
 * - `same`: today's rules find it, and an alert with that dedupe key was in effect then;
 * - `new`:  today's rules find it, and no alert was raised for it then (missed then, or a rule that changed since);
 * - `gone`: an alert was in effect then, and today's rules no longer find it for this event.
 *
 * "In effect then" depends on the kind of rule:
 * - Account-state rules (unlicensed, license-on-user, standard-on-ra) describe the account as it was: an alert was in
 *   effect at event E when it was raised by E or an earlier event (event ids are the log's order; when an alert has
 *   no event, its firstSeenAt is compared with E's recordedAt) and not resolved at or before E's recordedAt.
 * - The swap rule describes an incident, identified by its activities, and is raised minutes after the event by the
 *   audit follow-up: it was caught when any alert with the same dedupe key exists (it never resolves by itself).
 *   It counts as `gone` only for the event that raised it (its eventId), since a later event does not repeat it.
 *
 * Alerts raised by an earlier replay (`replayed`) are not "then": they are what a replay delivered, and counting
 * them would turn the second replay of a range into `same`. Limitation: the alerts table keeps one row per alert,
 * so an alert resolved and raised again shows only what its row still records.
 */
import type { Alert, Finding, RuleId } from '../glossary';
import { ACCOUNT_STATE_RULES } from '../rules/evaluate';
import type { StoredEvent } from '../store/store';

export type ReplayOutcome = 'same' | 'new' | 'gone';

export interface Comparison {
  outcome: ReplayOutcome;
  ruleId: RuleId;
  dedupeKey: string;
  /** Today's finding (null for `gone`). */
  finding: Finding | null;
  /** The alert of the time (null for `new`). */
  alert: Alert | null;
}

export interface ComparisonInput {
  event: StoredEvent;
  /** Today's findings for the event, already limited to `ruleIds`. */
  findings: readonly Finding[];
  /** Every alert stored for the event's account (any state, replayed or not). */
  alerts: readonly Alert[];
  ruleIds: readonly RuleId[];
}

export function compareWithAlerts({ event, findings, alerts, ruleIds }: ComparisonInput): Comparison[] {
  const inScope = new Set(ruleIds);
  const then = new Map<string, Alert>();
  for (const alert of alerts) {
    if (alert.replayed || !inScope.has(alert.ruleId)) continue;
    if (alertWasInEffect(alert, event)) then.set(alert.dedupeKey, alert);
  }

  const comparisons: Comparison[] = [];
  const found = new Set<string>();
  for (const finding of findings) {
    if (!inScope.has(finding.ruleId) || found.has(finding.dedupeKey)) continue;
    found.add(finding.dedupeKey);
    const alert = then.get(finding.dedupeKey) ?? caughtIncident(finding, alerts);
    comparisons.push({
      outcome: alert === null ? 'new' : 'same',
      ruleId: finding.ruleId,
      dedupeKey: finding.dedupeKey,
      finding,
      alert,
    });
  }
  for (const [key, alert] of then) {
    if (found.has(key)) continue;
    comparisons.push({ outcome: 'gone', ruleId: alert.ruleId, dedupeKey: key, finding: null, alert });
  }
  return comparisons;
}

const STATE_RULES = new Set<RuleId>(ACCOUNT_STATE_RULES);

function alertWasInEffect(alert: Alert, event: StoredEvent): boolean {
  if (!STATE_RULES.has(alert.ruleId)) {
    // An incident: in effect "then" only for the event that raised it.
    return alert.eventId !== null && Number(alert.eventId) === event.id;
  }
  const recordedAt = Date.parse(event.recordedAt);
  const raised =
    alert.eventId !== null ? Number(alert.eventId) <= event.id : Date.parse(alert.firstSeenAt) <= recordedAt;
  const resolvedLater = alert.resolvedAt === null || Date.parse(alert.resolvedAt) > recordedAt;
  return raised && resolvedLater;
}

/** An incident finding is caught when any non-replayed alert carries its key, whenever it was raised. */
function caughtIncident(finding: Finding, alerts: readonly Alert[]): Alert | null {
  if (STATE_RULES.has(finding.ruleId)) return null;
  return alerts.find((a) => !a.replayed && a.dedupeKey === finding.dedupeKey) ?? null;
}
