/**
 * `receive`: lease up to `maxMessages` messages, each the head of its ordering key. A message is the head of its
 * key when it is visible now, not leased, no message of its key is leased, and no earlier (lower seq) visible
 * message of its key waits. A message not yet visible (scheduled with notBefore, or backing off after abandon)
 * does not hold its key up: the swap follow-up waits minutes for the audit log and must not delay the user's
 * ordinary changes (Service Bus behaves the same: a scheduled message is not in its session until it is due).
 *
 * A head that has already been delivered `maxDeliveries` times goes to the dead letters instead (the rule in
 * max-deliveries.ts: a message that keeps killing or timing out its consumer must not block its key for ever).
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/database';
import type { Tables } from '../../store/tables';
import { exceedsMaxDeliveries, MAX_DELIVERIES_EXCEEDED } from '../max-deliveries';
import type { LeasedMessage } from '../queue';
import { moveToDeadLetters } from './dead-letters';
import { tryLockKey } from './key-lock';
import { toLeasedMessage, type MessageRow } from './stored-message';
import { leased, notLeased } from './message-state';

export interface LeaseRequest {
  maxMessages: number;
  leaseMs: number;
  maxDeliveries: number;
  now: number;
}

export async function leaseMessages(
  trx: Kysely<Tables>,
  database: Database,
  request: LeaseRequest,
): Promise<LeasedMessage[]> {
  const leasedMessages: LeasedMessage[] = [];
  const skippedKeys = new Set<string>();
  // Dead-lettering a head can expose the next message of its key; a few rounds pick those up too.
  for (let round = 0; round < 4 && leasedMessages.length < request.maxMessages; round += 1) {
    const wanted = request.maxMessages - leasedMessages.length;
    const candidates = await findHeads(trx, request.now, wanted + skippedKeys.size + 4);
    let progressed = false;
    for (const candidate of candidates) {
      if (leasedMessages.length >= request.maxMessages) break;
      if (skippedKeys.has(candidate.ordering_key)) continue;
      let head: MessageRow | undefined = candidate;
      if (database.engine === 'postgres') {
        // Another receiver may be leasing this key right now: skip it rather than wait, and re-read the key's
        // state under the lock (the candidate list came from before the lock).
        if (!(await tryLockKey(trx, candidate.ordering_key))) {
          skippedKeys.add(candidate.ordering_key);
          continue;
        }
        head = await findHeadOfKey(trx, candidate.ordering_key, request.now);
        if (head === undefined) {
          skippedKeys.add(candidate.ordering_key);
          continue;
        }
      }
      progressed = true;
      if (exceedsMaxDeliveries(head.delivery_count + 1, request.maxDeliveries)) {
        await moveToDeadLetters(trx, head, {
          reason: MAX_DELIVERIES_EXCEEDED,
          description: `delivered ${head.delivery_count} times (the maximum is ${request.maxDeliveries}) without being completed`,
          now: request.now,
        });
        continue;
      }
      const leaseToken = randomUUID();
      const leaseExpiresAt = request.now + request.leaseMs;
      await trx
        .updateTable('queue_messages')
        .set((eb) => ({
          delivery_count: eb('delivery_count', '+', 1),
          lease_token: leaseToken,
          lease_expires_at: leaseExpiresAt,
        }))
        .where('seq', '=', head.seq)
        .execute();
      leasedMessages.push(toLeasedMessage(head, leaseToken, leaseExpiresAt));
      skippedKeys.add(head.ordering_key);
    }
    if (!progressed) break;
  }
  return leasedMessages;
}

/** Heads of keys, oldest first. At most one row per key by construction. */
async function findHeads(trx: Kysely<Tables>, now: number, limit: number): Promise<MessageRow[]> {
  return trx
    .selectFrom('queue_messages as m')
    .selectAll('m')
    .where('m.visible_at', '<=', now)
    .where((eb) => eb.or([eb('m.lease_expires_at', 'is', null), eb('m.lease_expires_at', '<=', now)]))
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('queue_messages as o')
            .select('o.seq')
            .whereRef('o.ordering_key', '=', 'm.ordering_key')
            .where('o.lease_expires_at', '>', now),
        ),
      ),
    )
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('queue_messages as o')
            .select('o.seq')
            .whereRef('o.ordering_key', '=', 'm.ordering_key')
            .whereRef('o.seq', '<', 'm.seq')
            .where('o.visible_at', '<=', now)
            .where((eb) =>
              eb.or([eb('o.lease_expires_at', 'is', null), eb('o.lease_expires_at', '<=', now)]),
            ),
        ),
      ),
    )
    .orderBy('m.seq')
    .limit(limit)
    .execute();
}

/** The key's head now, or undefined when the key has a message in flight or nothing visible. */
async function findHeadOfKey(trx: Kysely<Tables>, key: string, now: number): Promise<MessageRow | undefined> {
  const inFlight = await trx
    .selectFrom('queue_messages')
    .select('seq')
    .where('ordering_key', '=', key)
    .where(leased(now))
    .limit(1)
    .executeTakeFirst();
  if (inFlight !== undefined) return undefined;
  return trx
    .selectFrom('queue_messages')
    .selectAll()
    .where('ordering_key', '=', key)
    .where('visible_at', '<=', now)
    .where(notLeased(now))
    .orderBy('seq')
    .limit(1)
    .executeTakeFirst();
}
