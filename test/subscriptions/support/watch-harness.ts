/**
 * Real peers for the subscriptions and audit tests: the Graph simulator over HTTP with the real Graph client, a real
 * store and embedded queue on a fresh database (SQLite temp file or PostgreSQL), and a stand-in for our own
 * notification endpoint (answers the validation handshake). `close()` releases all of it.
 */
import { createGraphReader } from '../../../src/graph/client/graph-reader-client';
import { createGraphSubscriptions } from '../../../src/graph/client/graph-subscriptions-client';
import type { GraphReader } from '../../../src/graph/graph-reader';
import type { GraphSubscriptions } from '../../../src/graph/graph-subscriptions';
import {
  startGraphSimulator,
  type GraphSimulator,
  type GraphSimulatorOptions,
  type TenantSeed,
} from '../../../src/graph/simulator';
import { silentLogger } from '../../../src/logger';
import { createEmbeddedQueue } from '../../../src/queue/embedded/adapter';
import type { Queue } from '../../../src/queue/queue';
import { parseWorkItem, type WorkItem } from '../../../src/queue/work-item';
import { createStore } from '../../../src/store/sql-store';
import type { Engine, Store } from '../../../src/store/store';
import { createTestDatabase, type TestDatabase } from '../../support/databases';
import { startNotificationEndpoint, type NotificationEndpoint } from './notification-endpoint';

export interface WatchHarness {
  simulator: GraphSimulator;
  endpoint: NotificationEndpoint;
  database: TestDatabase;
  store: Store;
  queue: Queue;
  reader: GraphReader;
  subscriptions: GraphSubscriptions;
  /** Take every visible message off the queue (completing them) and return the parsed work items. */
  drain(): Promise<WorkItem[]>;
  close(): Promise<void>;
}

export async function startWatchHarness(args: {
  engine?: Engine;
  seeds: TenantSeed[];
  simulator?: GraphSimulatorOptions;
}): Promise<WatchHarness> {
  const simulator = await startGraphSimulator({ ...args.simulator, seeds: args.seeds });
  const endpoint = await startNotificationEndpoint();
  const database = await createTestDatabase(args.engine ?? 'sqlite');
  const store = createStore(database.database);
  const queue = createEmbeddedQueue(database.database, { maxDeliveries: 5 });
  const logger = silentLogger();
  const tokenProvider = (tenantId: string) => Promise.resolve(simulator.tokenFor(tenantId));
  const retry = { maxRetries: 1, baseDelayMs: 10, maxDelayMs: 50 };
  const reader = createGraphReader({ baseUrl: simulator.url, tokenProvider, logger, retry, skuCacheMs: 0 });
  const subscriptions = createGraphSubscriptions({ baseUrl: simulator.url, tokenProvider, logger, retry });

  const drain = async (): Promise<WorkItem[]> => {
    const items: WorkItem[] = [];
    for (;;) {
      const batch = await queue.receive({ maxMessages: 100, leaseMs: 30_000 });
      if (batch.length === 0) return items;
      for (const message of batch) {
        const parsed = parseWorkItem(message.body);
        if (!parsed.ok) throw new Error(`unreadable work item: ${parsed.reason}`);
        items.push(parsed.item);
        await queue.complete(message);
      }
    }
  };

  return {
    simulator,
    endpoint,
    database,
    store,
    queue,
    reader,
    subscriptions,
    drain,
    close: async () => {
      await queue.close();
      await simulator.stop();
      await endpoint.close();
      await database.drop();
    },
  };
}
