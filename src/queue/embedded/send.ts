/**
 * `send`: every message of one call in one transaction (ingest's group commit: one fsync for many notifications).
 * Each message is, in order: a duplicate (its id is on a message of its key still waiting, stored or new in this
 * call; migration 003), merged into a waiting coalescing message of its key, or a new row. "Waiting" means not leased: a message being worked
 * on may have been read from Graph before this change happened, so a send arriving then is kept and causes
 * another read.
 *
 * The work is done in a few set-wise statements per call, not a few per message: ingest sends batches of
 * thousands and this transaction is on its hot path.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../store/database';
import type { Tables } from '../../store/tables';
import type { OutgoingMessage, SendResult } from '../queue';
import { lockKeys } from './key-lock';
import { notLeased } from './message-state';

/** Rows per statement: far below SQLite's 32,766 and PostgreSQL's 65,535 bound parameters. */
const CHUNK = 500;

interface NewRow {
  message: OutgoingMessage;
  visibleAt: number;
  coalescedCount: number;
}

export async function sendMessages(
  trx: Kysely<Tables>,
  database: Database,
  messages: readonly OutgoingMessage[],
  now: number,
): Promise<SendResult> {
  const result: SendResult = { accepted: 0, coalesced: 0, duplicates: 0 };
  const keys = [...new Set(messages.map((message) => message.orderingKey))];
  if (database.engine === 'postgres') await lockKeys(trx, keys);

  /**
   * `waitingIds`: the (key, id) pairs a send would duplicate. `targets`: per key, the waiting coalescing message a
   * send merges into, a stored one (by seq) or, below, one new in this call.
   */
  const { waitingIds, targets } = await readWaiting(trx, keys, now);
  const merges = new Map<number, { visibleAt: number; count: number }>();
  const newRows: NewRow[] = [];
  const newTargets = new Map<string, NewRow>();

  for (const message of messages) {
    const visibleAt = message.notBefore?.getTime() ?? now;
    if (waitingIds.has(keyedId(message.orderingKey, message.messageId))) {
      result.duplicates += 1;
      continue;
    }
    if (message.coalesce === true) {
      const pending = newTargets.get(message.orderingKey);
      const stored = targets.get(message.orderingKey);
      if (pending !== undefined) {
        pending.coalescedCount += 1;
        pending.visibleAt = Math.min(pending.visibleAt, visibleAt);
        result.coalesced += 1;
        continue;
      }
      if (stored !== undefined) {
        // The merged message becomes visible at the earlier of the two times: an immediate change must not wait
        // behind a scheduled or backed-off read.
        stored.visibleAt = Math.min(stored.visibleAt, visibleAt);
        const merge = merges.get(stored.seq) ?? { visibleAt: stored.visibleAt, count: 0 };
        merges.set(stored.seq, { visibleAt: stored.visibleAt, count: merge.count + 1 });
        result.coalesced += 1;
        continue;
      }
    }
    const row: NewRow = { message, visibleAt, coalescedCount: 1 };
    newRows.push(row);
    // Like a stored row, a row new in this call makes a later send of its id a duplicate (a merged send's id is
    // not stored, here as across calls: its retry merges again).
    waitingIds.add(keyedId(message.orderingKey, message.messageId));
    if (message.coalesce === true) newTargets.set(message.orderingKey, row);
    result.accepted += 1;
  }

  await applyMerges(trx, [...merges]);
  // Rows go in in send order, so seq (per-key FIFO) follows it.
  for (let start = 0; start < newRows.length; start += CHUNK) {
    await trx
      .insertInto('queue_messages')
      .values(
        newRows.slice(start, start + CHUNK).map((row) => ({
          message_id: row.message.messageId,
          ordering_key: row.message.orderingKey,
          body: JSON.stringify(row.message.body),
          coalescing: row.message.coalesce === true ? 1 : 0,
          coalesced_count: row.coalescedCount,
          enqueued_at: now,
          visible_at: row.visibleAt,
          delivery_count: 0,
          lease_token: null,
          lease_expires_at: null,
        })),
      )
      .execute();
  }
  return result;
}

/** A message's identity for the duplicate rule: its id within its ordering key. */
function keyedId(orderingKey: string, messageId: string): string {
  return `${orderingKey}\u0000${messageId}`;
}

interface Waiting {
  waitingIds: Set<string>;
  targets: Map<string, { seq: number; visibleAt: number }>;
}

/**
 * The sent keys' waiting messages, read once on the key index (which every lease already uses) for both questions a
 * send asks: which (key, id) pairs are waiting (duplicates), and per key the oldest waiting coalescing message (the
 * merge target). A key holds a handful of waiting messages, never thousands.
 */
async function readWaiting(trx: Kysely<Tables>, keys: string[], now: number): Promise<Waiting> {
  const waiting: Waiting = { waitingIds: new Set(), targets: new Map() };
  for (let start = 0; start < keys.length; start += CHUNK) {
    const rows = await trx
      .selectFrom('queue_messages')
      .select(['seq', 'ordering_key', 'message_id', 'coalescing', 'visible_at'])
      .where('ordering_key', 'in', keys.slice(start, start + CHUNK))
      .where(notLeased(now))
      .orderBy('seq')
      .execute();
    for (const row of rows) {
      waiting.waitingIds.add(keyedId(row.ordering_key, row.message_id));
      if (row.coalescing === 1 && !waiting.targets.has(row.ordering_key)) {
        waiting.targets.set(row.ordering_key, { seq: Number(row.seq), visibleAt: Number(row.visible_at) });
      }
    }
  }
  return waiting;
}

/**
 * Adds the merged counts and moves visible_at, for every merged row in one statement per chunk (a batch of
 * notifications for users that already wait merges into hundreds of rows; one UPDATE each costs a round trip).
 * CASTs give PostgreSQL the parameter types a bare CASE cannot infer; SQLite accepts the same spelling.
 */
async function applyMerges(
  trx: Kysely<Tables>,
  merges: [number, { visibleAt: number; count: number }][],
): Promise<void> {
  for (let start = 0; start < merges.length; start += CHUNK) {
    const chunk = merges.slice(start, start + CHUNK);
    const countCase = sql.join(
      chunk.map(([seq, merge]) => sql`WHEN ${seq} THEN CAST(${merge.count} AS INTEGER)`),
      sql` `,
    );
    const visibleCase = sql.join(
      chunk.map(([seq, merge]) => sql`WHEN ${seq} THEN CAST(${merge.visibleAt} AS BIGINT)`),
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
        chunk.map(([seq]) => seq),
      )
      .execute();
  }
}
