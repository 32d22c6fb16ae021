/**
 * The send rule of the embedded queue, decided in memory: which messages of one `send` are duplicates, which merge
 * into a waiting coalescing message, which become new rows. Both send paths run this one definition and differ only
 * in how they read and write: send.ts through Kysely on the store's connection, sqlite-send-worker.ts with prepared
 * statements on the SQLite send thread.
 *
 * Each message is, in send order: a duplicate (its id is on a waiting message of its key, stored or new in this
 * call; migration 003), merged into the oldest waiting coalescing message of its key (stored or new in this call),
 * or a new row. "Waiting" means not leased: a message being worked on may have been read from Graph before this
 * change happened, so a send arriving then is kept and causes another read. A merged send's id is not stored, here
 * as across calls: its retry merges again.
 *
 * Pure, and imports types only: the send thread loads it from source through a minimal TypeScript hook.
 */
import type { SendResult } from '../queue';

export interface PlannedMessage {
  messageId: string;
  orderingKey: string;
  coalesce: boolean;
  /** Epoch ms: notBefore, or the send's time. */
  visibleAt: number;
}

/** A stored message of a sent key that is not leased. */
export interface WaitingMessage {
  seq: number;
  orderingKey: string;
  messageId: string;
  coalescing: boolean;
  visibleAt: number;
}

export interface NewRow<M> {
  message: M;
  visibleAt: number;
  coalescedCount: number;
}

/** A stored message that sends merged into: `count` more sends, visible from `visibleAt`. */
export interface Merge {
  seq: number;
  count: number;
  visibleAt: number;
}

export interface SendPlan<M> {
  result: SendResult;
  merges: Merge[];
  /** In send order, so seq (per-key FIFO) follows it. */
  newRows: NewRow<M>[];
}

/** A message's identity for the duplicate rule: its id within its ordering key. */
function keyedId(orderingKey: string, messageId: string): string {
  return `${orderingKey}\u0000${messageId}`;
}

/** `waiting`: every waiting message of the sent keys, each key's oldest (lowest seq) first. */
export function planSend<M extends PlannedMessage>(
  messages: readonly M[],
  waiting: Iterable<WaitingMessage>,
): SendPlan<M> {
  const result: SendResult = { accepted: 0, coalesced: 0, duplicates: 0 };
  const waitingIds = new Set<string>();
  /** Per key, the message a coalescing send merges into: a stored one or one new in this call. */
  const targets = new Map<string, Merge | NewRow<M>>();
  const merges: Merge[] = [];
  for (const row of waiting) {
    waitingIds.add(keyedId(row.orderingKey, row.messageId));
    if (row.coalescing && !targets.has(row.orderingKey)) {
      targets.set(row.orderingKey, { seq: row.seq, count: 0, visibleAt: row.visibleAt });
    }
  }
  const newRows: NewRow<M>[] = [];

  for (const message of messages) {
    if (waitingIds.has(keyedId(message.orderingKey, message.messageId))) {
      result.duplicates += 1;
      continue;
    }
    const target = message.coalesce ? targets.get(message.orderingKey) : undefined;
    if (target !== undefined) {
      // The merged message becomes visible at the earlier of the two times: an immediate change must not wait
      // behind a scheduled or backed-off read.
      target.visibleAt = Math.min(target.visibleAt, message.visibleAt);
      if ('seq' in target) {
        if (target.count === 0) merges.push(target);
        target.count += 1;
      } else target.coalescedCount += 1;
      result.coalesced += 1;
      continue;
    }
    const row: NewRow<M> = { message, visibleAt: message.visibleAt, coalescedCount: 1 };
    newRows.push(row);
    // Like a stored row, a row new in this call makes a later send of its id a duplicate.
    waitingIds.add(keyedId(message.orderingKey, message.messageId));
    if (message.coalesce) targets.set(message.orderingKey, row);
    result.accepted += 1;
  }
  return { result, merges, newRows };
}
