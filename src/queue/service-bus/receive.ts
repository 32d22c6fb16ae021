/**
 * `receive` on Service Bus: the JS SDK has no session processor, so this is a small one. For each message
 * wanted, accept the next free session (a session with a ready message that nobody holds), take one message
 * from it and keep the session locked as that message's lease (session-lease.ts). Each message of one call
 * therefore has a distinct ordering key, and a key in flight anywhere is skipped by everyone else. Sessions are a
 * tenant's few, not a user's one (tenant-session.ts): that is what makes a receive fair across tenants here.
 *
 * Waiting: Service Bus answers "no free session" after a server-side wait (the client's operation timeout), the
 * test broker at once; both are bounded here by `waitMs`, polling every `pollIntervalMs` when the answer is
 * immediate. A message beyond `maxDeliveries` (counting the copies a delayed abandon made) is dead-lettered on
 * sight with the same reason the embedded queue uses (the rule in max-deliveries.ts).
 */
import { sleep } from '../../background/backoff';
import { isServiceBusError, type ServiceBusClient, type ServiceBusSessionReceiver } from '@azure/service-bus';
import type { Logger } from '../../logger';
import { exceedsMaxDeliveries, MAX_DELIVERIES_EXCEEDED } from '../max-deliveries';
import type { LeasedMessage, ReceiveOptions } from '../queue';
import { fieldsOf } from './stored-message';
import { holdSession, type SessionLease } from './session-lease';

export interface LeaseContext {
  client: ServiceBusClient;
  queueName: string;
  maxDeliveries: number;
  pollIntervalMs: number;
  /** Shortest wait given to one accept (an AMQP attach round trip), even when `waitMs` is 0. */
  minAcceptWaitMs: number;
  logger: Logger;
  leases: Map<string, SessionLease>;
  isClosed: () => boolean;
}

/** "No session free now": Service Bus's timeout, a lost race for a session, or our own abort. */
function isNoSessionAvailable(error: unknown): boolean {
  if (error instanceof Error && error.name === 'AbortError') return true;
  return (
    isServiceBusError(error) && (error.code === 'ServiceTimeout' || error.code === 'SessionCannotBeLocked')
  );
}

async function acceptNextSession(
  context: LeaseContext,
  timeoutMs: number,
): Promise<ServiceBusSessionReceiver | null> {
  try {
    return await context.client.acceptNextSession(context.queueName, {
      maxAutoLockRenewalDurationInMs: 0,
      abortSignal: AbortSignal.timeout(Math.max(1, timeoutMs)),
    });
  } catch (error) {
    if (isNoSessionAvailable(error)) return null;
    throw error;
  }
}

/** Takes one message from a freshly accepted session, or gives the session back if it has none ready. */
async function leaseOne(
  context: LeaseContext,
  receiver: ServiceBusSessionReceiver,
  leaseMs: number,
): Promise<LeasedMessage | null> {
  const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 1_000 });
  if (message === undefined) {
    await receiver.close();
    return null;
  }
  const fields = fieldsOf(message);
  if (exceedsMaxDeliveries(fields.deliveryCount, context.maxDeliveries)) {
    await receiver.deadLetterMessage(message, {
      deadLetterReason: MAX_DELIVERIES_EXCEEDED,
      deadLetterErrorDescription: `delivered ${fields.deliveryCount} times (maximum ${context.maxDeliveries}), counting delayed retries`,
    });
    await receiver.close();
    return null;
  }
  const lease = holdSession({
    receiver,
    message,
    messageId: fields.messageId,
    leaseMs,
    logger: context.logger,
    onEnd: (ended) => context.leases.delete(ended.token),
  });
  context.leases.set(lease.token, lease);
  return {
    messageId: fields.messageId,
    orderingKey: fields.orderingKey,
    body: fields.body,
    deliveryCount: fields.deliveryCount,
    enqueuedAt: fields.enqueuedAt,
    coalescedCount: fields.coalescedCount,
    leaseToken: lease.token,
    leaseExpiresAt: new Date(lease.expiresAt),
  };
}

/**
 * Sessions accepted side by side: each accept is an AMQP attach round trip (and a wait on Service Bus when none
 * is free), so a batch of 20 taken one session after another cost 20 round trips end to end (issue 21: the replica
 * suite's Service Bus burst did not drain in 150 s). A few lanes each accept and take one message.
 */
const ACCEPT_LANES = 8;

export async function leaseSessions(
  context: LeaseContext,
  request: ReceiveOptions,
): Promise<LeasedMessage[]> {
  const deadline = Date.now() + (request.waitMs ?? 0);
  const leased: LeasedMessage[] = [];
  let slots = request.maxMessages;
  let failure: { error: unknown } | null = null;
  const lane = async (): Promise<void> => {
    while (slots > 0 && failure === null && !context.isClosed()) {
      slots -= 1;
      const remaining = deadline - Date.now();
      const receiver = await acceptNextSession(context, Math.max(remaining, context.minAcceptWaitMs));
      if (receiver === null) {
        slots += 1;
        // Nothing free: return what we have, or wait for something until the deadline.
        if (leased.length > 0 || Date.now() >= deadline) return;
        await sleep(Math.min(context.pollIntervalMs, Math.max(0, deadline - Date.now())));
        continue;
      }
      if (context.isClosed()) {
        // Accepted while the queue closed (perhaps a session close() had just given back): give it back untouched.
        await receiver.close().catch(() => undefined);
        return;
      }
      try {
        const message = await leaseOne(context, receiver, request.leaseMs);
        if (message !== null) leased.push(message);
        else slots += 1; // that session had nothing ready: another may
      } catch (error) {
        await receiver.close().catch(() => undefined);
        failure ??= { error };
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(ACCEPT_LANES, request.maxMessages) }, lane));
  const failed = failure as { error: unknown } | null;
  if (failed !== null) {
    if (leased.length === 0) throw failed.error;
    context.logger.warn(
      { err: failed.error },
      'receiving from an accepted session failed; returning the messages already leased',
    );
  }
  if (context.isClosed() && leased.length > 0) {
    // close() released the leases it saw; these were taken while it ran, and a closed queue cannot settle them.
    // Released, not returned: another consumer gets them at once (one delivery higher), as after a crash.
    const held = leased.flatMap((m) => context.leases.get(m.leaseToken) ?? []);
    await Promise.all(held.map((lease) => lease.release().catch(() => undefined)));
    return [];
  }
  return leased;
}
