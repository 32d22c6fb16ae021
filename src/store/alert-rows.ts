/** Alert rows ↔ `Alert`. */
import type { Insertable, Selectable } from 'kysely';
import type { Alert, AlertState, Finding, RuleId, Severity } from '../glossary';
import { readJson } from './json-column';
import type { AlertsTable } from './tables';

export type AlertRow = Selectable<AlertsTable>;
/** A row as this store writes it: insertable, and readable back with `toAlert` without a round trip. */
export type WrittenAlertRow = Insertable<AlertsTable> & AlertRow;

export function toAlert(row: AlertRow): Alert {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    dedupeKey: row.dedupe_key,
    ruleId: row.rule_id as RuleId,
    severity: row.severity as Severity,
    userId: row.user_id,
    state: row.state as AlertState,
    finding: readJson<Finding>(row.finding, 'alert finding'),
    firstSeenAt: row.first_seen_at,
    lastSeenAt: row.last_seen_at,
    seenCount: row.seen_count,
    resolvedAt: row.resolved_at,
    acknowledgedAt: row.acknowledged_at,
    acknowledgedBy: row.acknowledged_by,
    acknowledgeReason: row.acknowledge_reason,
    snoozedUntil: row.snoozed_until,
    eventId: row.event_id === null ? null : Number(row.event_id),
    replayed: row.replayed === 1,
  };
}

export function toAlertRow(alert: Alert): WrittenAlertRow {
  return {
    id: alert.id,
    tenant_id: alert.tenantId,
    dedupe_key: alert.dedupeKey,
    rule_id: alert.ruleId,
    severity: alert.severity,
    user_id: alert.userId,
    state: alert.state,
    finding: JSON.stringify(alert.finding),
    first_seen_at: alert.firstSeenAt,
    last_seen_at: alert.lastSeenAt,
    seen_count: alert.seenCount,
    resolved_at: alert.resolvedAt,
    acknowledged_at: alert.acknowledgedAt,
    acknowledged_by: alert.acknowledgedBy,
    acknowledge_reason: alert.acknowledgeReason,
    snoozed_until: alert.snoozedUntil,
    event_id: alert.eventId,
    replayed: alert.replayed ? 1 : 0,
  };
}
