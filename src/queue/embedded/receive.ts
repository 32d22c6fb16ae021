/**
 * `receive`: lease up to `maxMessages` messages, each the head of its ordering key. A message is the head of its
 * key when it is visible now, not leased, no message of its key is leased, and no earlier (lower seq) visible
 * message of its key waits (heads.ts). A message not yet visible (scheduled with notBefore, or backing off after
 * abandon) does not hold its key up: the swap follow-up waits minutes for the audit log and must not delay the
 * user's ordinary changes (Service Bus behaves the same: a scheduled message is not in its session until it is due).
 * Which heads are taken first is fair across tenants (fair-heads.ts): one tenant's storm does not hold another
 * tenant's change behind it.
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
import { fairHeads } from './fair-heads';
import { leasePostgresRound } from './postgres-lease';
import { toLeasedMessage } from './stored-message';

export interface LeaseRequest {
  maxMessages: number;
  leaseMs: number;
  maxDeliveries: number;
  now: number;
  /** Tenants to leave alone this time (ReceiveOptions.exceptTenants). */
  exceptTenants: ReadonlySet<string>;
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
    // In the order to take them (fair across tenants), none of a key seen already in this receive.
    const candidates = await fairHeads(trx, request.now, wanted, skippedKeys, request.exceptTenants);
    if (database.engine === 'postgres') {
      // Batched: a few statements per round whatever the batch size (postgres-lease.ts).
      const result = await leasePostgresRound(trx, candidates, wanted, request);
      leasedMessages.push(...result.leased);
      for (const key of result.seenKeys) skippedKeys.add(key);
      if (!result.progressed) break;
      continue;
    }
    // SQLite: BEGIN IMMEDIATE already serialises every writer, and each statement is a call in this process.
    let progressed = false;
    for (const head of candidates) {
      if (leasedMessages.length >= request.maxMessages) break;
      if (skippedKeys.has(head.ordering_key)) continue;
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
