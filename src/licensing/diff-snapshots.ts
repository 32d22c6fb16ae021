/**
 * The diff between the last stored snapshot of a user and what Graph says now, as the event-log entry
 * (`LicenseChange`), or null when nothing license-relevant changed.
 *
 * A `users` notification carries no data and fires for any property (a new phone number, a manager change), so most
 * reads find nothing that matters here: those must not grow the append-only event log. What matters is everything a
 * rule or the resource-account identification reads: the SKUs and their disabled plans, how they were assigned
 * (a failed group assignment is evidence), `accountEnabled` and `department` (DOMAIN.md §4 conventions) and deletion.
 */
import type { ChangeSource, IsoTime, LicenseAssignmentState, LicenseChange, UserSnapshot } from '../glossary';
import { normaliseGuid } from './plan-match';

export interface ChangeTrigger {
  /** When ra-watch received the notification (or reconcile entry) that led to this read. */
  receivedAt: IsoTime;
  source: ChangeSource;
}

/** The license-relevant properties that differ, by name (for logs and tests). Empty: nothing that matters changed. */
export type RelevantDifference =
  | 'first-sight'
  | 'licenses'
  | 'disabled-plans'
  | 'assignment-states'
  | 'account-enabled'
  | 'department'
  | 'deleted';

export function relevantDifferences(before: UserSnapshot | null, after: UserSnapshot): RelevantDifference[] {
  if (before === null) return ['first-sight'];
  const differences: RelevantDifference[] = [];
  const { added, removed } = skuDelta(before, after);
  if (added.length > 0 || removed.length > 0) differences.push('licenses');
  if (disabledPlansChanged(before, after)) differences.push('disabled-plans');
  if (statesKey(before.licenseAssignmentStates) !== statesKey(after.licenseAssignmentStates)) {
    differences.push('assignment-states');
  }
  if (before.accountEnabled !== after.accountEnabled) differences.push('account-enabled');
  if ((before.department ?? '') !== (after.department ?? '')) differences.push('department');
  if (before.deleted !== after.deleted) differences.push('deleted');
  return differences;
}

/**
 * The change to append, or null. The first sight of a user is a baseline change (source kind `baseline`, `before`
 * null) so the log holds the state every later change is measured from; a user first seen already deleted has no
 * state worth a baseline.
 */
export function diffSnapshots(
  before: UserSnapshot | null,
  after: UserSnapshot,
  trigger: ChangeTrigger,
): LicenseChange | null {
  if (before === null && after.deleted) return null;
  if (relevantDifferences(before, after).length === 0) return null;
  const { added, removed } = skuDelta(before, after);
  return {
    tenantId: after.tenantId,
    userId: after.userId,
    before,
    after,
    addedSkuIds: added,
    removedSkuIds: removed,
    receivedAt: trigger.receivedAt,
    graphTime: null,
    source: before === null ? { ...trigger.source, kind: 'baseline' } : trigger.source,
    activities: [],
  };
}

/** SKUs added and removed, compared by normalised GUID, reported as Graph spelled them. */
function skuDelta(before: UserSnapshot | null, after: UserSnapshot): { added: string[]; removed: string[] } {
  const held = (snapshot: UserSnapshot | null) =>
    new Map(
      snapshot === null || snapshot.deleted
        ? []
        : snapshot.assignedLicenses.map((l) => [normaliseGuid(l.skuId), l.skuId] as const),
    );
  const was = held(before);
  const now = held(after);
  return {
    added: [...now].filter(([key]) => !was.has(key)).map(([, skuId]) => skuId),
    removed: [...was].filter(([key]) => !now.has(key)).map(([, skuId]) => skuId),
  };
}

/** Whether a SKU held before and after has other plans switched off now (MCOEV in an E5's disabledPlans). */
function disabledPlansChanged(before: UserSnapshot, after: UserSnapshot): boolean {
  const plans = (disabled: readonly string[]) => disabled.map(normaliseGuid).sort().join(',');
  const was = new Map(before.assignedLicenses.map((l) => [normaliseGuid(l.skuId), plans(l.disabledPlans)]));
  return after.assignedLicenses.some((l) => {
    const earlier = was.get(normaliseGuid(l.skuId));
    return earlier !== undefined && earlier !== plans(l.disabledPlans);
  });
}

function statesKey(states: readonly LicenseAssignmentState[]): string {
  return states
    .map((s) =>
      [
        normaliseGuid(s.skuId),
        s.assignedByGroup === null ? 'direct' : normaliseGuid(s.assignedByGroup),
        s.state,
        s.error ?? '',
        s.disabledPlans.map(normaliseGuid).sort().join(','),
      ].join(':'),
    )
    .sort()
    .join('|');
}
