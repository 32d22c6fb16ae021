/**
 * The alert life cycle, as a pure decision: given the open alerts an evaluation may touch and what it found, which
 * alerts open, which stay open and which resolve. The store reads the open alerts and applies the plan in the
 * observation's transaction (`store/record-observation.ts`); nothing here does I/O, so the rules of the life cycle
 * are tested with tables of cases.
 *
 * Against the evaluation's scope (see `EvaluationScope`):
 * - a finding whose dedupe key has an open alert in the tenant → still open (last seen, count, latest finding);
 * - a finding with no open alert → a new alert, opened (a resolved one with the same key stays history: reopen);
 * - an open alert on the scope's subject whose rule is in scope and that no finding named → resolved.
 * Acknowledgement and snooze are an admin's notes on an alert: they travel with it and change none of this.
 */
import type { Alert, EvaluationScope, Finding, IsoTime } from '../glossary';

/** The observation the plan is for: when, and what a new alert records as its origin. */
export interface PlanContext {
  /** Normalised ISO time (`iso-time.ts`), so that times compare as text. */
  at: IsoTime;
  /** The event the observation appended, if any: a new alert names the event that raised it. */
  eventId: number | null;
  /** Raised by a replay with `deliver`. */
  replayed: boolean;
  /** The id of a new alert (the store passes `randomUUID`). */
  newAlertId: () => string;
}

/** Every alert the observation changes, as it is after the change. */
export interface AlertChanges {
  /** New alerts, in the order their findings came; each owes an `opened` message. */
  opened: Alert[];
  /** Found again while open: last seen, count and latest finding updated, no new message. */
  stillOpen: Alert[];
  /** No longer found by an evaluation that speaks for them, oldest first; each owes a `resolved` message. */
  resolved: Alert[];
}

/**
 * `openAlerts` must hold every open alert of the scope's tenant that a finding names (by dedupe key) or that the
 * scope speaks for; anything else in it (another tenant, a resolved alert, another subject) is left alone.
 * When an evaluation names one problem twice, the last finding wins.
 */
export function planAlertChanges(
  openAlerts: readonly Alert[],
  findings: readonly Finding[],
  scope: EvaluationScope,
  context: PlanContext,
): AlertChanges {
  const openByKey = new Map<string, Alert>();
  for (const alert of openAlerts) {
    // The store's unique index allows one open alert per tenant and dedupe key.
    if (alert.tenantId === scope.tenantId && alert.state === 'open') openByKey.set(alert.dedupeKey, alert);
  }
  const latest = new Map<string, Finding>();
  for (const finding of findings) latest.set(finding.dedupeKey, finding);

  const changes: AlertChanges = { opened: [], stillOpen: [], resolved: [] };
  for (const finding of latest.values()) {
    const open = openByKey.get(finding.dedupeKey);
    if (open === undefined) changes.opened.push(newAlert(finding, scope, context));
    else changes.stillOpen.push(seenAgain(open, finding, context.at));
  }
  changes.resolved = [...openByKey.values()]
    .filter((alert) => speaksFor(scope, alert) && !latest.has(alert.dedupeKey))
    .sort((a, b) => compareText(a.firstSeenAt, b.firstSeenAt))
    .map((alert) => ({ ...alert, state: 'resolved', resolvedAt: context.at }));
  return changes;
}

/** An evaluation speaks for the alerts of its rules on its own subject (tenant-level: no user); no rules, none. */
function speaksFor(scope: EvaluationScope, alert: Alert): boolean {
  return scope.ruleIds.includes(alert.ruleId) && alert.userId === scope.userId;
}

function seenAgain(open: Alert, finding: Finding, at: IsoTime): Alert {
  // The rule id, subject and first sighting stay: the same dedupe key is the same problem.
  return { ...open, lastSeenAt: at, finding, severity: finding.severity, seenCount: open.seenCount + 1 };
}

function newAlert(finding: Finding, scope: EvaluationScope, context: PlanContext): Alert {
  return {
    id: context.newAlertId(),
    tenantId: scope.tenantId,
    dedupeKey: finding.dedupeKey,
    ruleId: finding.ruleId,
    severity: finding.severity,
    userId: finding.subject.kind === 'user' ? finding.subject.userId : null,
    state: 'open',
    finding,
    firstSeenAt: context.at,
    lastSeenAt: context.at,
    seenCount: 1,
    resolvedAt: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    acknowledgeReason: null,
    snoozedUntil: null,
    eventId: context.eventId,
    replayed: context.replayed,
  };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
