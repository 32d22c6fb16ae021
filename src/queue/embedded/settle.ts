/**
 * Settling a leased message: abandon, dead-letter, renew (complete is batched in settle-batcher.ts). Each works only while the caller's lease is
 * current (token matches and has not expired); otherwise the message may already be with another consumer, and
 * the caller gets `LeaseLostError` instead of settling someone else's delivery.
 */
import type { Kysely } from 'kysely';
import type { Tables } from '../../store/tables';
import { LeaseLostError, type LeasedMessage } from '../queue';
import { moveToDeadLetters } from './dead-letters';
import { leased } from './message-state';

export async function abandonMessage(
  db: Kysely<Tables>,
  message: LeasedMessage,
  delayMs: number,
  now: number,
): Promise<void> {
  const result = await db
    .updateTable('queue_messages')
    .set({ lease_token: null, lease_expires_at: null, visible_at: now + Math.max(0, delayMs) })
    .where('lease_token', '=', message.leaseToken)
    .where(leased(now))
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) throw new LeaseLostError(message.messageId);
}

export async function renewMessageLease(
  db: Kysely<Tables>,
  message: LeasedMessage,
  leaseMs: number,
  now: number,
): Promise<Date> {
  const leaseExpiresAt = now + leaseMs;
  const result = await db
    .updateTable('queue_messages')
    .set({ lease_expires_at: leaseExpiresAt })
    .where('lease_token', '=', message.leaseToken)
    .where(leased(now))
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) throw new LeaseLostError(message.messageId);
  return new Date(leaseExpiresAt);
}

/** Inside a transaction: the dead letter and the removal commit together. */
export async function deadLetterMessage(
  trx: Kysely<Tables>,
  message: LeasedMessage,
  why: { reason: string; description: string | null },
  now: number,
): Promise<void> {
  const row = await trx
    .selectFrom('queue_messages')
    .selectAll()
    .where('lease_token', '=', message.leaseToken)
    .where(leased(now))
    .executeTakeFirst();
  if (row === undefined) throw new LeaseLostError(message.messageId);
  await moveToDeadLetters(trx, row, { ...why, now });
}
