/**
 * Leasing on PostgreSQL in a few statements per batch, not a few per message (issue 21 item 3: 430–590 msg/s was
 * four round trips per leased message). One round of `receive` is:
 *
 * 1. the candidate heads in the order to take them (fair across tenants, fair-heads.ts), then one statement that
 *    try-locks all their keys (the same per-key advisory locks senders take, key-lock.ts: a key another receiver or
 *    a sender holds is skipped, never waited for — the batched form of `FOR UPDATE SKIP LOCKED` for a head that is
 *    per key, not per row);
 * 2. one statement re-reading the head of every locked key (a new snapshot, taken after the locks: the candidate
 *    list came from before them);
 * 3. one UPDATE leasing them all (tokens made here, one per row, through `unnest`).
 *
 * A head already delivered `maxDeliveries` times goes to the dead letters instead, one by one (rare).
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Tables } from '../../store/tables';
import { exceedsMaxDeliveries, MAX_DELIVERIES_EXCEEDED } from '../max-deliveries';
import type { LeasedMessage } from '../queue';
import { moveToDeadLetters } from './dead-letters';
import { tryLockKeys } from './key-lock';
import type { LeaseRequest } from './receive';
import { toLeasedMessage, type MessageRow } from './stored-message';

export interface LeaseRound {
  leased: LeasedMessage[];
  /** Keys looked at this round (locked elsewhere, leased, dead-lettered): the next round skips them. */
  seenKeys: string[];
  /** False when nothing could be done (every key busy): another round would find the same. */
  progressed: boolean;
}

export async function leasePostgresRound(
  trx: Kysely<Tables>,
  candidates: readonly MessageRow[],
  wanted: number,
  request: LeaseRequest,
): Promise<LeaseRound> {
  const keys = [...new Set(candidates.map((c) => c.ordering_key))];
  if (keys.length === 0) return { leased: [], seenKeys: [], progressed: false };
  const locked = await tryLockKeys(trx, keys);
  if (locked.length === 0) return { leased: [], seenKeys: keys, progressed: false };

  // Taken in the candidates' order (fair across tenants, fair-heads.ts), not the re-read's seq order.
  const rank = new Map(candidates.map((c, i) => [c.ordering_key, i]));
  const heads = (await headsOfKeys(trx, locked, request.now)).sort(
    (a, b) => (rank.get(a.ordering_key) ?? 0) - (rank.get(b.ordering_key) ?? 0),
  );
  const toLease: MessageRow[] = [];
  const deadLettered = new Set<string>();
  for (const head of heads) {
    if (exceedsMaxDeliveries(head.delivery_count + 1, request.maxDeliveries)) {
      await moveToDeadLetters(trx, head, {
        reason: MAX_DELIVERIES_EXCEEDED,
        description: `delivered ${head.delivery_count} times (the maximum is ${request.maxDeliveries}) without being completed`,
        now: request.now,
      });
      deadLettered.add(head.ordering_key);
    } else if (toLease.length < wanted) {
      toLease.push(head);
    }
  }
  const leaseExpiresAt = request.now + request.leaseMs;
  const tokens = toLease.map(() => randomUUID());
  if (toLease.length > 0) {
    await sql`
      UPDATE queue_messages
      SET delivery_count = queue_messages.delivery_count + 1, lease_token = t.token, lease_expires_at = ${leaseExpiresAt}
      FROM unnest(${toLease.map((h) => String(h.seq))}::bigint[], ${tokens}::text[]) AS t(seq, token)
      WHERE queue_messages.seq = t.seq`.execute(trx);
  }
  return {
    leased: toLease.map((head, i) => toLeasedMessage(head, tokens[i]!, leaseExpiresAt)),
    // A dead-lettered head may have exposed the next message of its key: that key is looked at again.
    seenKeys: keys.filter((key) => !deadLettered.has(key)),
    progressed: toLease.length + deadLettered.size > 0,
  };
}

/** Each key's head now (oldest visible, unleased message, and no message of the key in flight), oldest first. */
async function headsOfKeys(trx: Kysely<Tables>, keys: readonly string[], now: number): Promise<MessageRow[]> {
  const result = await sql<MessageRow>`
    SELECT * FROM (
      SELECT DISTINCT ON (m.ordering_key) m.*
      FROM queue_messages m
      WHERE m.ordering_key = ANY(${keys}::text[])
        AND m.visible_at <= ${now}
        AND (m.lease_expires_at IS NULL OR m.lease_expires_at <= ${now})
        AND NOT EXISTS (
          SELECT 1 FROM queue_messages o WHERE o.ordering_key = m.ordering_key AND o.lease_expires_at > ${now}
        )
      ORDER BY m.ordering_key, m.seq
    ) heads
    ORDER BY heads.seq`.execute(trx);
  return result.rows;
}
