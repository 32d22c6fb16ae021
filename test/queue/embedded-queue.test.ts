/**
 * The embedded queue on both engines with real databases: the shared queue contract (queue-contract.ts), then
 * what only a queue kept in the store's database has. Coalescing and the SQLite send thread have their own files.
 */
import { createEmbeddedQueue } from '../../src/queue/embedded/adapter';
import type { Queue } from '../../src/queue/queue';
import { openDatabase, type Database } from '../../src/store/database';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases';
import { describeQueueContract } from './queue-contract';
import { message } from './queue-fixtures';

describe.each(ENGINES)('embedded queue on %s', (engine) => {
  // One database per engine for the file; each case starts from empty queue tables.
  let testDb: TestDatabase;
  const databases: Database[] = [];
  const queues: Queue[] = [];

  describeQueueContract(`embedded queue on ${engine}`, {
    async beforeAll() {
      testDb = await createTestDatabase(engine);
    },
    async afterAll() {
      await testDb.drop();
    },
    async openQueue() {
      await testDb.database.db.deleteFrom('queue_messages').execute();
      await testDb.database.db.deleteFrom('queue_dead_letters').execute();
      const queue = createEmbeddedQueue(testDb.database, { maxDeliveries: 3, pollIntervalMs: 20 });
      queues.push(queue);
      return queue;
    },
    /**
     * On PostgreSQL another consumer gets its own pool (a replica); on SQLite it shares the process's one
     * connection, as workers in one process do (a second better-sqlite3 connection in the same process would block
     * the event loop in busy_timeout while the first waits on it; other processes are the killed-consumer case).
     */
    async anotherConsumer() {
      let database = testDb.database;
      if (engine === 'postgres') {
        database = await openDatabase(testDb.url);
        databases.push(database);
      }
      const other = createEmbeddedQueue(database, { maxDeliveries: 3, pollIntervalMs: 20 });
      queues.push(other);
      return other;
    },
    consumerProcessArgs: () => ['embedded', testDb.url],
    async afterEach() {
      await Promise.all(queues.splice(0).map((q) => q.close()));
      await Promise.all(databases.splice(0).map((d) => d.close()));
    },
  });

  describe(`embedded queue on ${engine}: its own`, () => {
    beforeAll(async () => {
      testDb = await createTestDatabase(engine);
    });
    afterAll(async () => {
      await testDb.drop();
    });

    // The queue is a table: what a connection wrote stays after it closes, for every other connection to lease.
    it('keeps messages sent by a connection that has since closed', async () => {
      const queue = createEmbeddedQueue(testDb.database, { maxDeliveries: 3, pollIntervalMs: 20 });
      try {
        const writerDatabase = await openDatabase(testDb.url);
        const writer = createEmbeddedQueue(writerDatabase, { maxDeliveries: 3 });
        await writer.send([
          message('m1', 'k1'),
          message('m2', 'k2', { notBefore: new Date(Date.now() + 60_000) }),
        ]);
        await writer.close();
        await writerDatabase.close();
        expect(await queue.stats()).toEqual({ ready: 1, scheduled: 1, inFlight: 0, deadLettered: 0 });
        const [leased] = await queue.receive({ maxMessages: 10, leaseMs: 10_000 });
        expect(leased?.messageId).toBe('m1');
      } finally {
        await queue.close();
      }
    });
  });
});
