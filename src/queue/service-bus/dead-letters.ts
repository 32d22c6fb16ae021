/**
 * The dead letters of a Service Bus queue live in its `$DeadLetterQueue` sub-queue, with the reason and
 * description Service Bus keeps (DeadLetterReason / DeadLetterErrorDescription). A dead letter's id here is its
 * sequence number.
 *
 * - list: a peek (nothing is locked or changed), oldest first.
 * - retry: Service Bus cannot fetch one message of a queue by sequence number (that works only for deferred
 *   messages), so this receives from the dead-letter queue in pages until it finds the id, sends a fresh copy
 *   to the main queue, then completes the dead letter; every other message received on the way is abandoned
 *   (put back untouched). Send before complete: a crash in between leaves a duplicate, never a loss.
 */
import type { ServiceBusClient, ServiceBusReceivedMessage, ServiceBusSender } from '@azure/service-bus';
import Long from 'long';
import { MAX_DELIVERIES_EXCEEDED } from '../max-deliveries';
import { DeadLetterNotFoundError, type DeadLetter } from '../queue';
import { fieldsOf, toServiceBusMessage } from './stored-message';

/** Service Bus's own dead-letter reason for a message beyond the queue's MaxDeliveryCount. */
const SERVICE_BUS_MAX_DELIVERIES_REASON = 'MaxDeliveryCountExceeded';

function toDeadLetter(message: ServiceBusReceivedMessage): DeadLetter {
  const fields = fieldsOf(message);
  const serviceBusReason = message.deadLetterReason;
  // Service Bus's own reason for a poison message, spelled as the embedded queue spells it (one API, one word).
  const reason =
    serviceBusReason === SERVICE_BUS_MAX_DELIVERIES_REASON
      ? MAX_DELIVERIES_EXCEEDED
      : (serviceBusReason ?? 'unknown');
  return {
    id: String(message.sequenceNumber ?? ''),
    messageId: fields.messageId,
    orderingKey: fields.orderingKey,
    body: fields.body,
    reason,
    description: message.deadLetterErrorDescription || null,
    // As Service Bus counts: a retry's search through the dead-letter queue raises it too.
    deliveryCount: fields.deliveryCount,
    deadLetteredAt: message.enqueuedTimeUtc ?? new Date(),
  };
}

export async function listDeadLetters(
  client: ServiceBusClient,
  queueName: string,
  limit: number,
): Promise<DeadLetter[]> {
  const receiver = client.createReceiver(queueName, { subQueueType: 'deadLetter' });
  try {
    // From the start: without a position the SDK continues after the last message peeked on this connection.
    const peeked = await receiver.peekMessages(limit, { fromSequenceNumber: Long.ZERO });
    return peeked.map(toDeadLetter);
  } finally {
    await receiver.close();
  }
}

export async function retryDeadLetter(
  client: ServiceBusClient,
  sender: ServiceBusSender,
  queueName: string,
  id: string,
): Promise<void> {
  const receiver = client.createReceiver(queueName, { subQueueType: 'deadLetter' });
  const passedOver: ServiceBusReceivedMessage[] = [];
  try {
    for (;;) {
      const page = await receiver.receiveMessages(100, { maxWaitTimeInMs: 1_000 });
      // Not there, or being retried by someone else right now.
      if (page.length === 0) throw new DeadLetterNotFoundError(id);
      const found = page.find((message) => String(message.sequenceNumber ?? '') === id);
      passedOver.push(...page.filter((message) => message !== found));
      if (found === undefined) continue;
      const fields = fieldsOf(found);
      await sender.sendMessages(
        toServiceBusMessage({
          messageId: fields.messageId,
          orderingKey: fields.orderingKey,
          body: fields.body,
          coalescedCount: fields.coalescedCount,
          priorDeliveries: 0,
          // A fresh Service Bus id: duplicate detection still remembers the original.
          uniqueId: true,
        }),
      );
      await receiver.completeMessage(found);
      return;
    }
  } finally {
    for (const message of passedOver) await receiver.abandonMessage(message).catch(() => undefined);
    await receiver.close();
  }
}
