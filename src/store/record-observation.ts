/**
 * One observation of one subject, in one transaction: the snapshot, the event, every alert change it implies and
 * the outbox entries those changes owe. A crash leaves all of it or none, so a redelivered queue message redoes
 * the work from a consistent state and never alerts twice.
 *
 * Which alerts open, stay open or resolve is decided by `alerts/plan-alert-changes.ts`; this reads the open alerts
 * the plan needs and writes the plan.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { planAlertChanges } from '../alerts/plan-alert-changes';
import type { Alert, EvaluationScope, Routing } from '../glossary';
import { toAlert, toAlertRow } from './alert-rows';
import type { Database } from './database';
import { appendEvent } from './event-log';
import { normaliseTime } from './iso-time';
import { writeOutboxEntries } from './outbox-repository';
import { upsertSnapshot } from './snapshot-repository';
import type { Observation, ObservationResult } from './store';
import type { Tables } from './tables';
import { inTransaction } from './transaction';

export function recordObservation(
  database: Database,
  observation: Observation,
  routing: Routing,
): Promise<ObservationResult> {
  const at = normaliseTime(observation.at);
  return inTransaction(
    database,
    async (trx) => {
      if (observation.snapshot !== undefined) await upsertSnapshot(trx, observation.snapshot);
      const eventId =
        observation.change === undefined ? null : await appendEvent(trx, observation.change, at);
      const dedupeKeys = [...new Set(observation.findings.map((finding) => finding.dedupeKey))];
      const openAlerts = await readOpenAlerts(trx, observation.scope, dedupeKeys);
      const plan = planAlertChanges(openAlerts, observation.findings, observation.scope, {
        at,
        eventId,
        replayed: observation.replayed === true,
        newAlertId: randomUUID,
      });
      const result: ObservationResult = { eventId, opened: [], stillOpen: [], resolved: [] };

      for (const planned of plan.opened) {
        const row = toAlertRow(planned);
        await trx.insertInto('alerts').values(row).execute();
        const alert = toAlert(row);
        await writeOutboxEntries(trx, alert, 'opened', routing(alert, 'opened'), at);
        result.opened.push(alert);
      }
      for (const planned of plan.stillOpen) {
        const row = toAlertRow(planned);
        const changes = { last_seen_at: row.last_seen_at, finding: row.finding, severity: row.severity };
        // Incremented in SQL: two tenant-level evaluations may race on one alert (PostgreSQL, READ COMMITTED).
        await trx
          .updateTable('alerts')
          .set((eb) => ({ ...changes, seen_count: eb('seen_count', '+', 1) }))
          .where('id', '=', row.id)
          .execute();
        result.stillOpen.push(toAlert(row));
      }
      for (const planned of plan.resolved) {
        const row = toAlertRow(planned);
        await trx
          .updateTable('alerts')
          .set({ state: row.state, resolved_at: row.resolved_at })
          .where('id', '=', row.id)
          .execute();
        const alert = toAlert(row);
        await writeOutboxEntries(trx, alert, 'resolved', routing(alert, 'resolved'), at);
        result.resolved.push(alert);
      }
      return result;
    },
    { tenantId: observation.scope.tenantId },
  );
}

/**
 * The open alerts the plan needs: those of the tenant a finding names, and those the scope speaks for (its rules
 * on its subject), oldest first.
 */
async function readOpenAlerts(
  trx: Kysely<Tables>,
  scope: EvaluationScope,
  dedupeKeys: string[],
): Promise<Alert[]> {
  const { tenantId, userId, ruleIds } = scope;
  // Two reads, not one `dedupe_key in (…) or (rule_id in (…) and user_id = …)`: SQLite cannot serve that `or` from
  // an index and scanned every open alert of the tenant, once per observation, so a storm of 20,000 new alerts
  // cost quadratic time (and held the one writer while a quiet tenant's change waited). Each half has its index:
  // alerts_open_dedupe and alerts_tenant_state. `in ()` is not SQL, so an empty list reads nothing.
  const open = trx
    .selectFrom('alerts')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('state', '=', 'open');
  const named = dedupeKeys.length === 0 ? [] : await open.where('dedupe_key', 'in', dedupeKeys).execute();
  const spokenFor =
    ruleIds.length === 0
      ? []
      : await open
          .where(userId === null ? (eb) => eb('user_id', 'is', null) : (eb) => eb('user_id', '=', userId))
          .where('rule_id', 'in', ruleIds)
          .execute();
  const byId = new Map([...named, ...spokenFor].map((row) => [row.id, row]));
  return [...byId.values()]
    .sort((a, b) => (a.first_seen_at < b.first_seen_at ? -1 : a.first_seen_at > b.first_seen_at ? 1 : 0))
    .map(toAlert);
}
