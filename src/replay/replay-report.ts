/**
 * What a replay answers: how many events the range covers (counted before anything is read), what today's rules
 * find in them, and how that differs from the alerts raised at the time. Items are one line per (event, finding or
 * alert) and are streamed to `onItem`; the report itself keeps only the first `itemLimit` of them, so a replay of
 * a million events returns a small object.
 */
import type { IsoTime, RuleId, Severity, TenantId, UserId } from '../glossary';
import type { Comparison, ReplayOutcome } from './replay-comparison';
import type { ReplaySelection } from './replay-range';
import type { StoredEvent } from '../store/store';

export interface ReplayCounts {
  same: number;
  new: number;
  gone: number;
}

/**
 * What `deliver` did with a `new` finding: sent it (through the outbox, marked replayed); skipped it because a
 * replay already delivered that dedupe key (this run or an earlier one); or skipped it because ra-watch raised an
 * alert with that key at another time, so admins already heard of it.
 */
export type ItemDelivery = 'delivered' | 'already-delivered' | 'already-alerted';

export interface ReplayItem {
  eventId: number;
  tenantId: TenantId;
  userId: UserId;
  userPrincipalName: string | null;
  displayName: string | null;
  receivedAt: IsoTime;
  graphTime: IsoTime | null;
  outcome: ReplayOutcome;
  ruleId: RuleId;
  severity: Severity;
  title: string;
  dedupeKey: string;
  /** The alert of the time (`same`, `gone`). */
  alertId: string | null;
  /** Set only for `new` items of a replay with deliver. */
  delivery: ItemDelivery | null;
}

export interface ReplayReport {
  replayId: string;
  by: string;
  mode: 'dry-run' | 'deliver';
  startedAt: IsoTime;
  finishedAt: IsoTime;
  /** The effective selection (relative times resolved, a UPN resolved to its object id). */
  selection: ReplaySelection;
  /** Events the range covers, counted before reading any. */
  covered: number;
  /** Events read and re-evaluated. */
  replayed: number;
  /** Findings today's rules produce over those events (one per event and dedupe key). */
  findings: number;
  outcomes: ReplayCounts;
  byRule: Partial<Record<RuleId, ReplayCounts>>;
  delivery: { delivered: number; alreadyDelivered: number; alreadyAlerted: number };
  /** The first `itemLimit` items; the rest went only to `onItem`. */
  items: ReplayItem[];
  itemsOmitted: number;
  /** A sentence for the admin when there is nothing to show (no events in range). */
  notice: string | null;
}

export function emptyCounts(): ReplayCounts {
  return { same: 0, new: 0, gone: 0 };
}

export function toReplayItem(
  event: StoredEvent,
  comparison: Comparison,
  delivery: ItemDelivery | null,
): ReplayItem {
  const { change } = event;
  const finding = comparison.finding ?? comparison.alert?.finding ?? null;
  return {
    eventId: event.id,
    tenantId: change.tenantId,
    userId: change.userId,
    userPrincipalName: change.after.userPrincipalName,
    displayName: change.after.displayName,
    receivedAt: change.receivedAt,
    graphTime: change.graphTime,
    outcome: comparison.outcome,
    ruleId: comparison.ruleId,
    severity: finding?.severity ?? 'warning',
    title: finding?.title ?? comparison.dedupeKey,
    dedupeKey: comparison.dedupeKey,
    alertId: comparison.alert?.id ?? null,
    delivery,
  };
}
