/**
 * The queue the ingest tests run against: the real embedded queue on a fresh SQLite file (WAL, synchronous=FULL),
 * so "202" in these tests means what it means in production: the notification is on disk.
 */
import { createEmbeddedQueue } from '../../src/queue/embedded/adapter';
import type { Queue } from '../../src/queue/queue';
import { createTestDatabase, type TestDatabase } from '../support/databases';

export interface QueueUnderTest {
  queue: Queue;
  database: TestDatabase;
  close(): Promise<void>;
}

export async function openQueueUnderTest(): Promise<QueueUnderTest> {
  const database = await createTestDatabase('sqlite');
  const queue = createEmbeddedQueue(database.database, { maxDeliveries: 10 });
  return {
    queue,
    database,
    close: async () => {
      await queue.close();
      await database.drop();
    },
  };
}
