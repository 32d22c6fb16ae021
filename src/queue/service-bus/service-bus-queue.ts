/**
 * The Service Bus queue: the port (queue.ts) on an Azure Service Bus queue created with sessions required,
 * duplicate detection, dead-lettering and a max delivery count (deploy/). For several ingest and worker
 * replicas. The pieces beside this file: service-bus-message (mapping, message ids), lease-sessions (the
 * session rotation behind `receive`), session-lease (leases, renewal, stale settles), dead-letters, queue-stats.
 *
 * Where Service Bus differs from the embedded queue, and what this adapter does about it:
 * - Coalescing: Service Bus cannot merge into a message already stored. Messages of one `send` call are
 *   merged here (same ordering key, both `coalesce`), which is where ingest's group commit puts Graph's bursts;
 *   across calls each message is kept (the worker reads the user once per message: more reads, no lost change).
 * - Duplicates: duplicate detection drops a repeated Service Bus id silently, so a send cannot tell how many it
 *   dropped: `duplicates` counts only repeats inside one call. See service-bus-message.ts for which messages keep
 *   their id (and why coalescing ones do not).
 * - Abandon with a delay: Service Bus abandons at once. A delayed abandon schedules a copy in the same session
 *   (same port id, delivery count carried over) and then completes the original; if the lease turns out lost,
 *   the copy is cancelled. Nothing is lost; the copy queues behind the key's later messages (each work item
 *   reads current state, so that order does not matter to the worker).
 * - Lease length: `leaseMs` is kept by this process (session-lease.ts); the queue's LockDuration is only the
 *   fallback when the process dies.
 * - Stats are approximate (queue-stats.ts).
 * SDK types never leave this folder.
 */
import { ServiceBusClient, type ServiceBusMessage, type ServiceBusSender } from '@azure/service-bus';
import type { TokenCredential } from '@azure/identity';
import Long from 'long';
import type { Logger } from '../../logger';
import {
  LeaseLostError,
  type DeadLetter,
  type LeasedMessage,
  type OutgoingMessage,
  type Queue,
  type QueueStats,
  type QueueStatsOptions,
  type ReceiveOptions,
  type SendResult,
} from '../queue';
import { listDeadLetters, retryDeadLetter } from './dead-letters';
import { leaseSessions } from './lease-sessions';
import { peekStats } from './queue-stats';
import { copyOf, fieldsOf, toServiceBusMessage, type ServiceBusCopy } from './service-bus-message';
import type { SessionLease } from './session-lease';

export interface ServiceBusQueueOptions {
  /** `Endpoint=sb://...;SharedAccessKeyName=...;SharedAccessKey=...` (or the emulator's, with UseDevelopmentEmulator=true). */
  connectionString?: string;
  /** `<name>.servicebus.windows.net`, with `credential` (managed identity, workload identity...). */
  namespace?: string;
  credential?: TokenCredential;
  queueName: string;
  /** Deliveries (counting delayed-abandon copies) before a message is dead-lettered; match the queue's MaxDeliveryCount. */
  maxDeliveries: number;
  logger: Logger;
  /** How often a waiting `receive` asks again when Service Bus answers "no free session" at once (default 100 ms). */
  pollIntervalMs?: number;
  /** Shortest wait for one accept of a session, even when `waitMs` is 0 (default 1000 ms). */
  minAcceptWaitMs?: number;
}

function createClient(options: ServiceBusQueueOptions): ServiceBusClient {
  const clientOptions = { retryOptions: { maxRetries: 3, timeoutInMs: 30_000 } };
  if (options.connectionString !== undefined)
    return new ServiceBusClient(options.connectionString, clientOptions);
  if (options.namespace !== undefined && options.credential !== undefined) {
    return new ServiceBusClient(options.namespace, options.credential, clientOptions);
  }
  throw new Error(
    'Service Bus needs SERVICE_BUS_CONNECTION_STRING, or SERVICE_BUS_NAMESPACE with an Azure credential',
  );
}

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

export function createServiceBusQueue(options: ServiceBusQueueOptions): Queue {
  if (!Number.isInteger(options.maxDeliveries) || options.maxDeliveries < 1) {
    throw new Error(`maxDeliveries must be a whole number of at least 1, got ${options.maxDeliveries}`);
  }
  const logger = options.logger.child({ component: 'service-bus-queue', queue: options.queueName });
  const client = createClient(options);
  const sender = client.createSender(options.queueName);
  const leases = new Map<string, SessionLease>();
  let closed = false;
  const context = {
    client,
    queueName: options.queueName,
    maxDeliveries: options.maxDeliveries,
    pollIntervalMs: options.pollIntervalMs ?? 100,
    minAcceptWaitMs: options.minAcceptWaitMs ?? 1_000,
    logger,
    leases,
    isClosed: () => closed,
  };

  function open(): void {
    if (closed) throw new Error('the Service Bus queue is closed');
  }

  function leaseOf(message: LeasedMessage): SessionLease {
    const lease = leases.get(message.leaseToken);
    if (lease === undefined) throw new LeaseLostError(message.messageId);
    return lease;
  }

  return {
    async send(messages: readonly OutgoingMessage[]): Promise<SendResult> {
      open();
      const { copies, result } = prepare(messages);
      await sendInBatches(sender, copies.map(toServiceBusMessage));
      return result;
    },

    async receive(request: ReceiveOptions): Promise<LeasedMessage[]> {
      // Empty, not an error, after close: as a receive still waiting at close ends (the worker's last poll may
      // come a moment after the queue closed; the embedded queue answers the same).
      if (closed) return [];
      return leaseSessions(context, request);
    },

    async complete(message: LeasedMessage): Promise<void> {
      await leaseOf(message).settle((receiver, received) => receiver.completeMessage(received));
    },

    async abandon(message: LeasedMessage, abandonOptions?: { delayMs?: number }): Promise<void> {
      const lease = leaseOf(message);
      const delayMs = abandonOptions?.delayMs ?? 0;
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
      const [sequenceNumber] = await sender.scheduleMessages(copy, new Date(Date.now() + delayMs));
      try {
        await lease.settle((receiver, received) => receiver.completeMessage(received));
      } catch (error) {
        // The original stays (it will be redelivered): withdraw the copy so the work is not done twice.
        if (sequenceNumber !== undefined) {
          await sender.cancelScheduledMessages(sequenceNumber).catch((cancelError: unknown) => {
            logger.warn(
              { err: cancelError, messageId: message.messageId },
              'withdrawing a delayed copy failed; the message may run twice',
            );
          });
        }
        throw error;
      }
    },

    async deadLetter(message: LeasedMessage, reason: string, description?: string): Promise<void> {
      // Service Bus caps these properties; the reason is short by design, the description may be a stack.
      await leaseOf(message).settle((receiver, received) =>
        receiver.deadLetterMessage(received, {
          deadLetterReason: reason.slice(0, 1_024),
          deadLetterErrorDescription: (description ?? '').slice(0, 4_096),
        }),
      );
    },

    async renewLease(message: LeasedMessage, leaseMs: number): Promise<Date> {
      return leaseOf(message).renew(leaseMs);
    },

    async listDeadLetters(listOptions?: { limit?: number }): Promise<DeadLetter[]> {
      open();
      return listDeadLetters(client, options.queueName, listOptions?.limit ?? 100);
    },

    async retryDeadLetter(id: string): Promise<void> {
      open();
      await retryDeadLetter(client, sender, options.queueName, id);
    },

    async stats(statsOptions?: QueueStatsOptions): Promise<QueueStats> {
      open();
      return peekStats(client, options.queueName, leases.size, undefined, statsOptions);
    },

    async ping(): Promise<void> {
      open();
      // A peek goes through the connection, the token exchange and the entity: all of what /readyz cares about.
      const receiver = client.createReceiver(options.queueName);
      try {
        await receiver.peekMessages(1, { fromSequenceNumber: Long.ZERO });
      } finally {
        await receiver.close();
      }
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      // Give held sessions back now rather than at lock expiry, so other replicas carry on at once.
      await Promise.all([...leases.values()].map((lease) => lease.release()));
      await sender.close();
      await client.close();
    },
  };
}
