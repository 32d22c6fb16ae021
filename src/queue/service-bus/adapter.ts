/**
 * The Service Bus queue: the port (queue.ts) on an Azure Service Bus queue created with sessions required,
 * duplicate detection, dead-lettering and a max delivery count (deploy/). For several ingest and worker
 * replicas. The pieces beside this file, named as in embedded/: send, receive (the session rotation), settle,
 * dead-letters, stats, stored-message (mapping, message ids), and session-lease (leases, renewal, stale settles).
 *
 * Where Service Bus differs from the embedded queue, and what this adapter does about it:
 * - Coalescing: Service Bus cannot merge into a message already stored. Messages of one `send` call are
 *   merged here (same ordering key, both `coalesce`), which is where ingest's group commit puts Graph's bursts;
 *   across calls each message is kept (the worker reads the user once per message: more reads, no lost change).
 * - Duplicates: duplicate detection drops a repeated Service Bus id silently, so a send cannot tell how many it
 *   dropped: `duplicates` counts only repeats inside one call. See stored-message.ts for which messages keep
 *   their id (and why coalescing ones do not).
 * - Abandon with a delay: Service Bus abandons at once; a delayed abandon schedules a copy (settle.ts).
 * - Lease length: `leaseMs` is kept by this process (session-lease.ts); the queue's LockDuration is only the
 *   fallback when the process dies.
 * - Stats are approximate (stats.ts).
 * SDK types never leave this folder.
 */
import { ServiceBusClient } from '@azure/service-bus';
import type { TokenCredential } from '@azure/identity';
import Long from 'long';
import type { Logger } from '../../logger';
import { checkMaxDeliveries } from '../max-deliveries';
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
import { leaseSessions } from './receive';
import { peekStats } from './stats';
import { sendMessages } from './send';
import type { SessionLease } from './session-lease';
import { abandonMessage, completeMessage, deadLetterMessage, renewMessageLease } from './settle';

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

export function createServiceBusQueue(options: ServiceBusQueueOptions): Queue {
  checkMaxDeliveries(options.maxDeliveries);
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
      return sendMessages(sender, messages);
    },

    async receive(request: ReceiveOptions): Promise<LeasedMessage[]> {
      // Empty, not an error, after close: as a receive still waiting at close ends (the worker's last poll may
      // come a moment after the queue closed; the embedded queue answers the same).
      if (closed) return [];
      return leaseSessions(context, request);
    },

    complete: async (message) => completeMessage(leaseOf(message)),

    abandon: async (message, abandonOptions) =>
      abandonMessage(leaseOf(message), abandonOptions?.delayMs ?? 0, { sender, logger }),

    deadLetter: async (message, reason, description) =>
      deadLetterMessage(leaseOf(message), { reason, description: description ?? null }),

    renewLease: async (message, leaseMs) => renewMessageLease(leaseOf(message), leaseMs),

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
