/**
 * `send` on the store's connection: every message of one call in one transaction (ingest's group commit: one fsync
 * for many notifications). What each message becomes (duplicate, merged, new row) is decided by send-plan.ts, the
 * definition the SQLite send thread (sqlite-send-worker.ts) runs too; this file reads and writes it with Kysely.
 *
 * The work is done in a few set-wise statements per call, not a few per message: ingest sends batches of
 * thousands and this transaction is on its hot path.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../store/database';
import type { Tables } from '../../store/tables';
import type { OutgoingMessage, SendResult } from '../queue';
import { lockKeys } from './key-lock';
import { tenantOfMessage } from '../message-tenant';
import { notLeased } from './message-state';
import { planSend, type Merge, type PlannedMessage, type WaitingMessage } from './send-plan';

/** Rows per statement: far below SQLite's 32,766 and PostgreSQL's 65,535 bound parameters. */
const CHUNK = 500;

export async function sendMessages(
  trx: Kysely<Tables>,
  database: Database,
  messages: readonly OutgoingMessage[],
  now: number,
): Promise<SendResult> {
  const keys = [...new Set(messages.map((message) => message.orderingKey))];
  if (database.engine === 'postgres') await lockKeys(trx, keys);
  const planned = messages.map((message): PlannedMessage & { message: OutgoingMessage } => ({
    message,
    messageId: message.messageId,
    orderingKey: message.orderingKey,
    coalesce: message.coalesce === true,
    visibleAt: message.notBefore?.getTime() ?? now,
  }));
  const { result, merges, newRows } = planSend(planned, await readWaiting(trx, keys, now));

  await applyMerges(trx, merges);
  // Rows go in in send order, so seq (per-key FIFO) follows it.
  for (let start = 0; start < newRows.length; start += CHUNK) {
    await trx
      .insertInto('queue_messages')
      .values(
        newRows.slice(start, start + CHUNK).map(({ message: { message }, visibleAt, coalescedCount }) => ({
          message_id: message.messageId,
          ordering_key: message.orderingKey,
          body: JSON.stringify(message.body),
          coalescing: message.coalesce === true ? 1 : 0,
          coalesced_count: coalescedCount,
          enqueued_at: now,
          visible_at: visibleAt,
          delivery_count: 0,
          lease_token: null,
          lease_expires_at: null,
          tenant_id: tenantOfMessage(message.body, message.orderingKey),
        })),
      )
      .execute();
  }
  return result;
}

/**
 * The sent keys' waiting messages, oldest first, read once on the key index (which every lease already uses): they
 * answer both questions a send asks (duplicate? merge target?). A key holds a handful of waiting messages, never
 * thousands.
 */
async function readWaiting(trx: Kysely<Tables>, keys: string[], now: number): Promise<WaitingMessage[]> {
  const waiting: WaitingMessage[] = [];
  for (let start = 0; start < keys.length; start += CHUNK) {
    const rows = await trx
      .selectFrom('queue_messages')
      .select(['seq', 'ordering_key', 'message_id', 'coalescing', 'visible_at'])
      .where('ordering_key', 'in', keys.slice(start, start + CHUNK))
      .where(notLeased(now))
      .orderBy('seq')
      .execute();
    for (const row of rows) {
      waiting.push({
        seq: Number(row.seq),
        orderingKey: row.ordering_key,
        messageId: row.message_id,
        coalescing: row.coalescing === 1,
        visibleAt: Number(row.visible_at),
      });
    }
  }
  return waiting;
}

/**
 * Adds the merged counts and moves visible_at, for every merged row in one statement per chunk (a batch of
 * notifications for users that already wait merges into hundreds of rows; one UPDATE each costs a round trip).
 * CASTs give PostgreSQL the parameter types a bare CASE cannot infer; SQLite accepts the same spelling.
 */
async function applyMerges(trx: Kysely<Tables>, merges: Merge[]): Promise<void> {
  for (let start = 0; start < merges.length; start += CHUNK) {
    const chunk = merges.slice(start, start + CHUNK);
    const countCase = sql.join(
      chunk.map((merge) => sql`WHEN ${merge.seq} THEN CAST(${merge.count} AS INTEGER)`),
      sql` `,
    );
    const visibleCase = sql.join(
      chunk.map((merge) => sql`WHEN ${merge.seq} THEN CAST(${merge.visibleAt} AS BIGINT)`),
      sql` `,
    );
    await trx
      .updateTable('queue_messages')
      .set({
        coalesced_count: sql<number>`coalesced_count + CASE seq ${countCase} END`,
        visible_at: sql<number>`CASE seq ${visibleCase} END`,
      })
      .where(
        'seq',
        'in',
        chunk.map((merge) => merge.seq),
      )
      .execute();
  }
}
