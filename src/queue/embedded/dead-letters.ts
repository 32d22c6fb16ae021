/**
 * Dead letters: messages kept with the reason they could not be handled. Nothing is dropped silently; an admin
 * lists them and puts them back (`retryDeadLetter`) once the cause is fixed.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/database';
import type { Tables } from '../../store/tables';
import { DeadLetterNotFoundError, type DeadLetter } from '../queue';
import { lockKeys } from './key-lock';
import { tenantOfMessage } from '../message-tenant';
import { parseBody, toDeadLetter, type MessageRow } from './stored-message';

export async function moveToDeadLetters(
  trx: Kysely<Tables>,
  row: MessageRow,
  why: { reason: string; description: string | null; now: number },
): Promise<void> {
  await trx
    .insertInto('queue_dead_letters')
    .values({
      id: randomUUID(),
      message_id: row.message_id,
      ordering_key: row.ordering_key,
      body: row.body,
      coalescing: row.coalescing,
      reason: why.reason,
      description: why.description,
      delivery_count: row.delivery_count,
      enqueued_at: Number(row.enqueued_at),
      dead_lettered_at: why.now,
    })
    .execute();
  await trx.deleteFrom('queue_messages').where('seq', '=', row.seq).execute();
}

export async function listDeadLetters(db: Kysely<Tables>, limit: number): Promise<DeadLetter[]> {
  const rows = await db
    .selectFrom('queue_dead_letters')
    .selectAll()
    .orderBy('dead_lettered_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toDeadLetter);
}

/** Thrown by `retryDeadLetter` for an id that is not (or no longer) a dead letter. */
/** The dead letter becomes a fresh message (delivery count 0) at the back of its key. */
export async function retryDeadLetter(
  trx: Kysely<Tables>,
  database: Database,
  id: string,
  now: number,
): Promise<void> {
  const row = await trx.selectFrom('queue_dead_letters').selectAll().where('id', '=', id).executeTakeFirst();
  if (row === undefined) throw new DeadLetterNotFoundError(id);
  if (database.engine === 'postgres') await lockKeys(trx, [row.ordering_key]);
  const deleted = await trx.deleteFrom('queue_dead_letters').where('id', '=', id).executeTakeFirst();
  // Two admins retrying at once: only the one that deleted the row re-enqueues it.
  if (deleted.numDeletedRows === 0n) throw new DeadLetterNotFoundError(id);
  await trx
    .insertInto('queue_messages')
    .values({
      message_id: row.message_id,
      ordering_key: row.ordering_key,
      body: row.body,
      coalescing: row.coalescing,
      coalesced_count: 1,
      enqueued_at: now,
      visible_at: now,
      delivery_count: 0,
      lease_token: null,
      lease_expires_at: null,
      tenant_id: tenantOfMessage(parseBody(row.body), row.ordering_key),
    })
    .execute();
}
