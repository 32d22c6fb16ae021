/**
 * Settling a leased message on Service Bus: complete, abandon, dead-letter, renew. Each goes through the message's
 * session lease (session-lease.ts), which refuses a settle once the lease has ended and turns a lock Service Bus
 * reports lost into `LeaseLostError`, as the embedded queue's lease tokens do.
 *
 * Abandon with a delay: Service Bus abandons at once. A delayed abandon schedules a copy in the same session (same
 * port id, delivery count carried over) and then completes the original; if the lease turns out lost, the copy is
 * cancelled. Nothing is lost; the copy queues behind the key's later messages (each work item reads current state,
 * so that order does not matter to the worker).
 */
import type { ServiceBusSender } from '@azure/service-bus';
import type { Logger } from '../../logger';
import { fieldsOf, toServiceBusMessage } from './stored-message';
import type { SessionLease } from './session-lease';

export async function completeMessage(lease: SessionLease): Promise<void> {
  await lease.settle((receiver, received) => receiver.completeMessage(received));
}

export async function abandonMessage(
  lease: SessionLease,
  delayMs: number,
  context: { sender: ServiceBusSender; logger: Logger },
): Promise<void> {
  if (delayMs <= 0) {
    await lease.settle((receiver, received) => receiver.abandonMessage(received));
    return;
  }
  const fields = fieldsOf(lease.message);
  const copy = toServiceBusMessage({
    messageId: fields.messageId,
    orderingKey: fields.orderingKey,
    body: fields.body,
    coalescedCount: fields.coalescedCount,
    priorDeliveries: fields.deliveryCount,
    uniqueId: true,
  });
  const [sequenceNumber] = await context.sender.scheduleMessages(copy, new Date(Date.now() + delayMs));
  try {
    await lease.settle((receiver, received) => receiver.completeMessage(received));
  } catch (error) {
    // The original stays (it will be redelivered): withdraw the copy so the work is not done twice.
    if (sequenceNumber !== undefined) {
      await context.sender.cancelScheduledMessages(sequenceNumber).catch((cancelError: unknown) => {
        context.logger.warn(
          { err: cancelError, messageId: lease.messageId },
          'withdrawing a delayed copy failed; the message may run twice',
        );
      });
    }
    throw error;
  }
}

export async function deadLetterMessage(
  lease: SessionLease,
  why: { reason: string; description: string | null },
): Promise<void> {
  // Service Bus caps these properties; the reason is short by design, the description may be a stack.
  await lease.settle((receiver, received) =>
    receiver.deadLetterMessage(received, {
      deadLetterReason: why.reason.slice(0, 1_024),
      deadLetterErrorDescription: (why.description ?? '').slice(0, 4_096),
    }),
  );
}

export async function renewMessageLease(lease: SessionLease, leaseMs: number): Promise<Date> {
  return lease.renew(leaseMs);
}
