/**
 * Mapping between queue rows and the port's plain data. Bodies are stored as JSON text; bigint columns come back
 * from PostgreSQL as strings, hence `Number()`.
 */
import type { Selectable } from 'kysely';
import type { QueueDeadLettersTable, QueueMessagesTable } from '../../store/tables';
import type { DeadLetter, LeasedMessage } from '../queue';

export type MessageRow = Selectable<QueueMessagesTable>;
export type DeadLetterRow = Selectable<QueueDeadLettersTable>;

export function parseBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Only this adapter writes bodies, always as JSON; hand anything else to the worker as-is so it dead-letters it.
    return text;
  }
}

export function toLeasedMessage(row: MessageRow, leaseToken: string, leaseExpiresAt: number): LeasedMessage {
  return {
    messageId: row.message_id,
    orderingKey: row.ordering_key,
    body: parseBody(row.body),
    deliveryCount: row.delivery_count + 1,
    enqueuedAt: new Date(Number(row.enqueued_at)),
    coalescedCount: row.coalesced_count,
    leaseToken,
    leaseExpiresAt: new Date(leaseExpiresAt),
  };
}

export function toDeadLetter(row: DeadLetterRow): DeadLetter {
  return {
    id: row.id,
    messageId: row.message_id,
    orderingKey: row.ordering_key,
    body: parseBody(row.body),
    reason: row.reason,
    description: row.description,
    deliveryCount: row.delivery_count,
    deadLetteredAt: new Date(Number(row.dead_lettered_at)),
  };
}
