/**
 * Which queue the app runs on. `createQueue` turns the queue part of the configuration into an adapter (embedded: a
 * table in the store; Service Bus: by connection string, or by namespace with the same Azure identity that reads
 * Graph); app.ts calls it and knows no adapter. The one rule both adapters share about poison messages is in
 * max-deliveries.ts beside it, so the adapters import the rule without importing their opener.
 */
import type { Config } from '../config';
import { azureCredentialFor } from '../graph/client/credential';
import type { Logger } from '../logger';
import type { Database } from '../store/database';
import { createEmbeddedQueue } from './embedded/adapter';
import type { Queue } from './queue';
import { createServiceBusQueue } from './service-bus/adapter';

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
