/** Alert rows ↔ `Alert`. */
import type { Selectable } from 'kysely';
import type { Finding, RuleId, Severity } from '../glossary';
import { readJson } from './json-column';
import type { Alert, AlertState } from './store';
import type { AlertsTable } from './tables';

export type AlertRow = Selectable<AlertsTable>;

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
