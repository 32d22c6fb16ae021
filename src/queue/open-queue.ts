/**
 * Which queue the app runs on, and the one rule both adapters share about poison messages. `createQueue` turns the
 * queue part of the configuration into an adapter (embedded: a table in the store; Service Bus: by connection string,
 * or by namespace with the same Azure identity that reads Graph); app.ts calls it and knows no adapter.
 *
 * The `maxDeliveries` rule: a message delivered `maxDeliveries` times without being completed is not delivered
 * again but dead-lettered with the reason `MAX_DELIVERIES_EXCEEDED` (a message that keeps killing or timing out its
 * consumer must not block its key for ever). Service Bus applies it itself for its own deliveries; the adapter
 * applies it too, counting the copies a delayed abandon made. Both adapters check the setting with
 * `checkMaxDeliveries`, also when a test builds one directly.
 */
import type { Config } from '../config';
import { azureCredentialFor } from '../graph/client/credential';
import type { Logger } from '../logger';
import type { Database } from '../store/database';
import { createEmbeddedQueue } from './embedded/adapter';
import type { Queue } from './queue';
import { createServiceBusQueue } from './service-bus/adapter';

/** The dead-letter reason of a message that ran out of deliveries, spelled alike on every adapter. */
export const MAX_DELIVERIES_EXCEEDED = 'max deliveries exceeded';

/** Throws unless `maxDeliveries` is a whole number of at least 1. */
export function checkMaxDeliveries(maxDeliveries: number): void {
  if (!Number.isInteger(maxDeliveries) || maxDeliveries < 1) {
    throw new Error(`maxDeliveries must be a whole number of at least 1, got ${maxDeliveries}`);
  }
}

/**
 * True when a message about to be delivered for the `delivery`-th time (1 = first) is beyond the limit and goes to
 * the dead letters instead.
 */
export function exceedsMaxDeliveries(delivery: number, maxDeliveries: number): boolean {
  return delivery > maxDeliveries;
}

export function createQueue(config: Config, database: Database, logger: Logger): Queue {
  if (config.queue.kind === 'embedded')
    return createEmbeddedQueue(database, { maxDeliveries: config.queue.maxDeliveries });
  // Service Bus by connection string, or by namespace with the same Azure identity that reads Graph.
  const credential = azureCredentialFor(config.graph.credential);
  return createServiceBusQueue({
    queueName: config.queue.queueName,
    maxDeliveries: config.queue.maxDeliveries,
    logger,
    ...(config.queue.connectionString === undefined
      ? {}
      : { connectionString: config.queue.connectionString }),
    ...(config.queue.namespace === undefined ? {} : { namespace: config.queue.namespace }),
    ...(credential === null ? {} : { credential }),
  });
}
