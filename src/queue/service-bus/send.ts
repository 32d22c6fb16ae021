/**
 * `send` on Service Bus: the messages of one call go out in as few batches as Service Bus accepts, in send order
 * (sequence numbers follow it, so per-session FIFO does). Service Bus cannot merge into a message it already stores,
 * nor say how many repeats its duplicate detection dropped, so both rules of the port are applied here, within one
 * call: unscheduled coalescing messages of one key merge into the first, and a repeated id is counted as a duplicate and sent
 * once (see adapter.ts for what that means across calls, and stored-message.ts for which ids Service Bus sees).
 */
import type { ServiceBusMessage, ServiceBusSender } from '@azure/service-bus';
import type { OutgoingMessage, SendResult } from '../queue';
import { copyOf, toServiceBusMessage, type ServiceBusCopy } from './stored-message';

/** Merges the coalescing messages of one call per key and drops repeated ids, counting both. */
function prepare(messages: readonly OutgoingMessage[]): { copies: ServiceBusCopy[]; result: SendResult } {
  const result: SendResult = { accepted: 0, coalesced: 0, duplicates: 0 };
  const copies: ServiceBusCopy[] = [];
  const ids = new Set<string>();
  const coalescing = new Map<string, ServiceBusCopy>();
  for (const message of messages) {
    if (ids.has(message.messageId)) {
      result.duplicates += 1;
      continue;
    }
    ids.add(message.messageId);
    const waiting =
      message.coalesce === true && message.notBefore === undefined
        ? coalescing.get(message.orderingKey)
        : undefined;
    if (waiting !== undefined) {
      waiting.coalescedCount += 1;
      result.coalesced += 1;
      continue;
    }
    const copy = copyOf(message);
    if (message.coalesce === true && message.notBefore === undefined)
      coalescing.set(message.orderingKey, copy);
    copies.push(copy);
    result.accepted += 1;
  }
  return { copies, result };
}

async function sendInBatches(sender: ServiceBusSender, messages: ServiceBusMessage[]): Promise<void> {
  let batch = await sender.createMessageBatch();
  for (const message of messages) {
    if (batch.tryAddMessage(message)) continue;
    if (batch.count === 0)
      throw new Error(`message ${String(message.messageId)} is larger than Service Bus accepts`);
    await sender.sendMessages(batch);
    batch = await sender.createMessageBatch();
    if (!batch.tryAddMessage(message))
      throw new Error(`message ${String(message.messageId)} is larger than Service Bus accepts`);
  }
  if (batch.count > 0) await sender.sendMessages(batch);
}

export async function sendMessages(
  sender: ServiceBusSender,
  messages: readonly OutgoingMessage[],
): Promise<SendResult> {
  const { copies, result } = prepare(messages);
  await sendInBatches(sender, copies.map(toServiceBusMessage));
  return result;
}
