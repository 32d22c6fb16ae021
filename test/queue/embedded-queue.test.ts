/**
 * The embedded queue on both engines with real databases: the shared queue contract (queue-contract.ts), then
 * what only a queue kept in the store's database has. Coalescing and the SQLite send thread have their own files.
 */
import { createEmbeddedQueue } from '../../src/queue/embedded/adapter';
import type { LeasedMessage, Queue } from '../../src/queue/queue';
import { openDatabase, type Database } from '../../src/store/database';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases';
import { describeQueueContract } from './queue-contract';
import { message, tenantChange } from './queue-fixtures';

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
    beforeEach(async () => {
      await testDb.database.db.deleteFrom('queue_messages').execute();
    });

    const tenantsOf = (leased: readonly LeasedMessage[]) => {
      const byTenant: Record<string, string[]> = {};
      for (const m of leased)
        (byTenant[m.orderingKey.split('/')[0]!] ??= []).push(m.orderingKey.split('/')[1]!);
      return byTenant;
    };

    // Not in the contract: Service Bus shares a tenant out by its sessions (service-bus/tenant-session.ts), so how a
    // batch is dealt across tenants differs; the embedded queue deals each receive round-robin (fair-heads.ts).
    it("deals a batch round-robin across the tenants with work, each tenant's oldest first", async () => {
      const queue = createEmbeddedQueue(testDb.database, { maxDeliveries: 3 });
      try {
        const users = (tenant: string, count: number) =>
          Array.from({ length: count }, (_, i) => tenantChange(tenant, `u${String(i).padStart(2, '0')}`));
        await queue.send(users('ta', 30));
        await queue.send(users('tb', 30));
        await queue.send(users('tc', 1));
        const batch = await queue.receive({ maxMessages: 6, leaseMs: 10_000 });
        expect(batch).toHaveLength(6);
        // A share of ceil(6 / 3) = 2 each; C has only one, so the oldest tenant fills its place.
        expect(tenantsOf(batch)).toEqual({ ta: ['u00', 'u01', 'u02'], tb: ['u00', 'u01'], tc: ['u00'] });
      } finally {
        await queue.close();
      }
    });

    it("still fills whole batches from one tenant's storm when no other tenant waits", async () => {
      const queue = createEmbeddedQueue(testDb.database, { maxDeliveries: 3 });
      try {
        await queue.send(Array.from({ length: 25 }, (_, i) => tenantChange('ta', `u${i}`)));
        await queue.send([tenantChange('tb', 'u0')]);
        const first = await queue.receive({ maxMessages: 10, leaseMs: 10_000 });
        expect(tenantsOf(first).tb).toEqual(['u0']);
        expect(first).toHaveLength(10);
        const second = await queue.receive({ maxMessages: 10, leaseMs: 10_000 });
        expect(second).toHaveLength(10);
        expect(Object.keys(tenantsOf(second))).toEqual(['ta']);
      } finally {
        await queue.close();
      }
    });

    // The worker's loop kept back for the other tenants (worker/tenant-loop-share.ts) asks without the storming one.
    it('leaves the tenants it is told to leave alone, fill included, and leases them once asked again', async () => {
      const queue = createEmbeddedQueue(testDb.database, { maxDeliveries: 3 });
      try {
        await queue.send(Array.from({ length: 25 }, (_, i) => tenantChange('ta', `u${i}`)));
        await queue.send(
          Array.from({ length: 12 }, (_, i) => tenantChange('tb', `u${String(i).padStart(2, '0')}`)),
        );
        await queue.send([tenantChange('tc', 'u0')]);
        // B has more than its share (5) and the batch is not full: the fill takes B's, not the older storm's.
        const others = await queue.receive({ maxMessages: 10, leaseMs: 10_000, exceptTenants: ['ta'] });
        expect(others).toHaveLength(10);
        expect(Object.keys(tenantsOf(others)).sort()).toEqual(['tb', 'tc']);
        const rest = await queue.receive({ maxMessages: 10, leaseMs: 10_000, exceptTenants: ['ta'] });
        expect(tenantsOf(rest)).toEqual({ tb: ['u09', 'u10', 'u11'] });
        // Only the storming tenant has work and it is left alone: nothing, rather than the storm.
        const storm = await queue.receive({ maxMessages: 10, leaseMs: 10_000 });
        expect(storm).toHaveLength(10);
        expect(Object.keys(tenantsOf(storm))).toEqual(['ta']);
      } finally {
        await queue.close();
      }
    });

    it('leases nothing when the only tenant with work is left alone', async () => {
      const queue = createEmbeddedQueue(testDb.database, { maxDeliveries: 3 });
      try {
        await queue.send(Array.from({ length: 5 }, (_, i) => tenantChange('ta', `u${i}`)));
        await expect(
          queue.receive({ maxMessages: 10, leaseMs: 10_000, exceptTenants: ['ta'] }),
        ).resolves.toEqual([]);
        await expect(queue.receive({ maxMessages: 10, leaseMs: 10_000 })).resolves.toHaveLength(5);
      } finally {
        await queue.close();
      }
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
