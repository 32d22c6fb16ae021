/**
 * The alert outbox: messages alerts owe sinks, written in the alert's own transaction (so an alert is never
 * opened without its message, nor a message sent for an alert that rolled back). Dispatchers claim due entries
 * with a lease (next_attempt_at pushed to now + leaseMs) so several dispatchers, or one that crashed, never post
 * the same entry twice at once; a crashed dispatcher's entries become due again when the lease ends.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from './database';
import { addMs, normaliseTime } from './iso-time';
import type { Alert, OutboxKind } from '../glossary';
import type { OutboxEntry, OutboxStatus, Store } from './store';
import type { AlertOutboxTable, Tables } from './tables';
import { inTransaction } from './transaction';

function toEntry(row: Selectable<AlertOutboxTable>): OutboxEntry {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    alertId: row.alert_id,
    kind: row.kind as OutboxKind,
    sink: row.sink,
    status: row.status as OutboxStatus,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    idempotencyKey: row.idempotency_key,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
  };
}

/** Under SQLite's and PostgreSQL's limits on one statement's parameters. */
const IDS_PER_STATEMENT = 500;

export function createOutboxRepository(database: Database): Store['outbox'] {
  const db = database.db;
  async function settle(id: string, changes: Partial<Selectable<AlertOutboxTable>>): Promise<void> {
    await db.updateTable('alert_outbox').set(changes).where('id', '=', id).execute();
  }
  return {
    /** `attempts` on a claimed entry already counts this attempt (a crash mid-post counts too). */
    claimDue(now, limit, leaseMs) {
      const at = normaliseTime(now);
      const leaseUntil = addMs(at, leaseMs);
      return inTransaction(database, async (trx) => {
        const rows = await trx
          .selectFrom('alert_outbox')
          .selectAll()
          .where('status', '=', 'pending')
          .where('next_attempt_at', '<=', at)
          .orderBy('next_attempt_at')
          .orderBy('id')
          .limit(limit)
          // PostgreSQL: two dispatchers claiming at once skip each other's rows instead of double-claiming.
          // SQLite: BEGIN IMMEDIATE already serialises claims.
          .$if(database.engine === 'postgres', (query) => query.forUpdate().skipLocked())
          .execute();
        if (rows.length === 0) return [];
        await trx
          .updateTable('alert_outbox')
          .set((eb) => ({ next_attempt_at: leaseUntil, attempts: eb('attempts', '+', 1) }))
          .where(
            'id',
            'in',
            rows.map((row) => row.id),
          )
          .execute();
        return rows.map((row) =>
          toEntry({ ...row, next_attempt_at: leaseUntil, attempts: row.attempts + 1 }),
        );
      });
    },
    markDelivered: (id, at) => settle(id, { status: 'delivered', delivered_at: normaliseTime(at) }),
    async markAllDelivered(ids, at) {
      // A 2,000-alert burst settled one UPDATE (and one fsync) at a time held the event loop for a quarter of a
      // second: every other tenant's notifications and Graph answers waited behind it.
      const deliveredAt = normaliseTime(at);
      for (let start = 0; start < ids.length; start += IDS_PER_STATEMENT) {
        await db
          .updateTable('alert_outbox')
          .set({ status: 'delivered', delivered_at: deliveredAt })
          .where('id', 'in', ids.slice(start, start + IDS_PER_STATEMENT))
          .execute();
      }
    },
    markRetry: (id, error, nextAttemptAt) =>
      settle(id, { status: 'pending', last_error: error, next_attempt_at: normaliseTime(nextAttemptAt) }),
    markDead: (id, error, at) =>
      settle(id, { status: 'dead', last_error: error, dead_at: normaliseTime(at) }),
    async listForAlert(alertId) {
      const rows = await db
        .selectFrom('alert_outbox')
        .selectAll()
        .where('alert_id', '=', alertId)
        .orderBy('created_at')
        .orderBy('kind', 'desc')
        .orderBy('sink')
        .execute();
      return rows.map(toEntry);
    },
  };
}

/** One pending entry per sink routing names, due at once. The idempotency key is stable across retries. */
export async function writeOutboxEntries(
  trx: Kysely<Tables>,
  alert: Alert,
  kind: OutboxKind,
  sinks: string[],
  at: string,
): Promise<void> {
  const unique = [...new Set(sinks)];
  if (unique.length === 0) return;
  await trx
    .insertInto('alert_outbox')
    .values(
      unique.map((sink) => ({
        id: randomUUID(),
        tenant_id: alert.tenantId,
        alert_id: alert.id,
        kind,
        sink,
        status: 'pending',
        attempts: 0,
        next_attempt_at: at,
        last_error: null,
        idempotency_key: `${alert.id}:${kind}:${sink}`,
        created_at: at,
        delivered_at: null,
        dead_at: null,
      })),
    )
    .execute();
}
