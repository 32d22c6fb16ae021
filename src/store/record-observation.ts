/**
 * One observation of one subject, in one transaction: the snapshot, the event, every alert change it implies and
 * the outbox entries those changes owe. A crash leaves all of it or none, so a redelivered queue message redoes
 * the work from a consistent state and never alerts twice.
 *
 * Alert life cycle against the evaluation's scope (see `EvaluationScope`):
 * - a finding whose dedupe key has an open alert in the tenant → still open (last seen, count, latest finding);
 * - a finding with no open alert → a new alert, opened (a resolved one with the same key stays history: reopen);
 * - an open alert on the subject whose rule is in scope and that no finding named → resolved.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Finding } from '../glossary';
import { toAlert } from './alert-rows';
import type { Database } from './database';
import { appendEvent } from './event-log';
import { normaliseTime } from './iso-time';
import { writeOutboxEntries } from './outbox-repository';
import { upsertSnapshot } from './snapshot-repository';
import type { Alert, Observation, ObservationResult, OutboxKind } from './store';
import type { Tables } from './tables';
import { inTransaction } from './transaction';

export type Routing = (alert: Alert, kind: OutboxKind) => string[];

export function recordObservation(
  database: Database,
  observation: Observation,
  routing: Routing,
): Promise<ObservationResult> {
  const at = normaliseTime(observation.at);
  return inTransaction(database, async (trx) => {
    if (observation.snapshot !== undefined) await upsertSnapshot(trx, observation.snapshot);
    const eventId = observation.change === undefined ? null : await appendEvent(trx, observation.change, at);
    const result: ObservationResult = { eventId, opened: [], stillOpen: [], resolved: [] };

    // The last finding wins when an evaluation names one problem twice.
    const findings = new Map<string, Finding>();
    for (const finding of observation.findings) findings.set(finding.dedupeKey, finding);

    for (const finding of findings.values()) {
      const open = await trx
        .selectFrom('alerts')
        .selectAll()
        .where('tenant_id', '=', observation.scope.tenantId)
        .where('dedupe_key', '=', finding.dedupeKey)
        .where('state', '=', 'open')
        .executeTakeFirst();
      if (open !== undefined) {
        const changes = { last_seen_at: at, finding: JSON.stringify(finding), severity: finding.severity };
        // Incremented in SQL: two tenant-level evaluations may race on one alert (PostgreSQL, READ COMMITTED).
        await trx
          .updateTable('alerts')
          .set((eb) => ({ ...changes, seen_count: eb('seen_count', '+', 1) }))
          .where('id', '=', open.id)
          .execute();
        result.stillOpen.push(toAlert({ ...open, ...changes, seen_count: open.seen_count + 1 }));
        continue;
      }
      const alert = await openAlert(trx, observation, finding, eventId, at);
      await writeOutboxEntries(trx, alert, 'opened', routing(alert, 'opened'), at);
      result.opened.push(alert);
    }

    if (observation.scope.ruleIds.length > 0) {
      const scope = observation.scope;
      const inScope = await trx
        .selectFrom('alerts')
        .selectAll()
        .where('tenant_id', '=', scope.tenantId)
        .where('state', '=', 'open')
        .where('rule_id', 'in', scope.ruleIds)
        .where((eb) => (scope.userId === null ? eb('user_id', 'is', null) : eb('user_id', '=', scope.userId)))
        .orderBy('first_seen_at')
        .execute();
      for (const row of inScope) {
        if (findings.has(row.dedupe_key)) continue;
        const changes = { state: 'resolved', resolved_at: at };
        await trx.updateTable('alerts').set(changes).where('id', '=', row.id).execute();
        const alert = toAlert({ ...row, ...changes });
        await writeOutboxEntries(trx, alert, 'resolved', routing(alert, 'resolved'), at);
        result.resolved.push(alert);
      }
    }
    return result;
  });
}

async function openAlert(
  trx: Kysely<Tables>,
  observation: Observation,
  finding: Finding,
  eventId: number | null,
  at: string,
): Promise<Alert> {
  const row = {
    id: randomUUID(),
    tenant_id: observation.scope.tenantId,
    dedupe_key: finding.dedupeKey,
    rule_id: finding.ruleId,
    severity: finding.severity,
    user_id: finding.subject.kind === 'user' ? finding.subject.userId : null,
    state: 'open',
    finding: JSON.stringify(finding),
    first_seen_at: at,
    last_seen_at: at,
    seen_count: 1,
    resolved_at: null,
    acknowledged_at: null,
    acknowledged_by: null,
    acknowledge_reason: null,
    snoozed_until: null,
    event_id: eventId,
    replayed: observation.replayed === true ? 1 : 0,
  };
  await trx.insertInto('alerts').values(row).execute();
  return toAlert(row);
}
