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
  return inTransaction(database, async (trx) => {
    if (observation.snapshot !== undefined) await upsertSnapshot(trx, observation.snapshot);
    const eventId = observation.change === undefined ? null : await appendEvent(trx, observation.change, at);
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
  });
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
  // `in ()` is not SQL: an empty list is left out, and with both empty there is nothing to read.
  if (dedupeKeys.length === 0 && ruleIds.length === 0) return [];
  const rows = await trx
    .selectFrom('alerts')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('state', '=', 'open')
    .where((eb) => {
      const named = dedupeKeys.length === 0 ? [] : [eb('dedupe_key', 'in', dedupeKeys)];
      const spokenFor =
        ruleIds.length === 0
          ? []
          : [
              eb.and([
                eb('rule_id', 'in', ruleIds),
                userId === null ? eb('user_id', 'is', null) : eb('user_id', '=', userId),
              ]),
            ];
      return eb.or([...named, ...spokenFor]);
    })
    .orderBy('first_seen_at')
    .execute();
  return rows.map(toAlert);
}
