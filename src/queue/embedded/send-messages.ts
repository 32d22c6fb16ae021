/**
 * `send`: every message of one call in one transaction (ingest's group commit: one fsync for many notifications).
 * Each message is, in order: a duplicate (its id is on a message still waiting), merged into a waiting coalescing
 * message of its key, or a new row. "Waiting" means not leased: a message being worked on may have been read
 * from Graph before this change happened, so a send arriving then is kept and causes another read.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../store/database';
import type { Tables } from '../../store/tables';
import type { OutgoingMessage, SendResult } from '../queue';
import { lockKeys } from './key-lock';
import { notLeased } from './message-state';

export async function sendMessages(
  trx: Kysely<Tables>,
  database: Database,
  messages: readonly OutgoingMessage[],
  now: number,
): Promise<SendResult> {
  const result: SendResult = { accepted: 0, coalesced: 0, duplicates: 0 };
  if (database.engine === 'postgres')
    await lockKeys(
      trx,
      messages.map((message) => message.orderingKey),
    );
  for (const message of messages) {
    const visibleAt = message.notBefore?.getTime() ?? now;
    const duplicate = await trx
      .selectFrom('queue_messages')
      .select('seq')
      .where('message_id', '=', message.messageId)
      .where(notLeased(now))
      .limit(1)
      .executeTakeFirst();
    if (duplicate !== undefined) {
      result.duplicates += 1;
      continue;
    }
    if (message.coalesce === true) {
      const target = await trx
        .selectFrom('queue_messages')
        .select(['seq', 'visible_at'])
        .where('ordering_key', '=', message.orderingKey)
        .where('coalescing', '=', 1)
        .where(notLeased(now))
        .orderBy('seq')
        .limit(1)
        .executeTakeFirst();
      if (target !== undefined) {
        // The merged message becomes visible at the earlier of the two times: an immediate change must not wait
        // behind a scheduled or backed-off read.
        await trx
          .updateTable('queue_messages')
          .set((eb) => ({
            coalesced_count: eb('coalesced_count', '+', 1),
            visible_at: Math.min(Number(target.visible_at), visibleAt),
          }))
          .where('seq', '=', target.seq)
          .execute();
        result.coalesced += 1;
        continue;
      }
    }
    await trx
      .insertInto('queue_messages')
      .values({
        message_id: message.messageId,
        ordering_key: message.orderingKey,
        body: JSON.stringify(message.body),
        coalescing: message.coalesce === true ? 1 : 0,
        coalesced_count: 1,
        enqueued_at: now,
        visible_at: visibleAt,
        delivery_count: 0,
        lease_token: null,
        lease_expires_at: null,
      })
      .execute();
    result.accepted += 1;
  }
  return result;
}
