/**
 * The worker against the Graph simulator over real HTTP, on a real store and embedded queue, in simulated time: the
 * process clock (`Date`, which the worker, the queue's scheduled messages and the simulator's audit lag and group
 * licensing lag all read) is jest's fake one, moved forward by the test one step at a time, with the worker run
 * until idle after each step. Timers stay real, so sockets and the database behave as ever. Nothing waits real
 * minutes, and nothing depends on how fast the machine is: every latency a test asserts is a difference of
 * simulated times.
 */
import { randomUUID } from 'node:crypto';
import type { Alert } from '../../src/glossary';
import { createGraphReader } from '../../src/graph/client/graph-reader-client';
import { startGraphSimulator, type GraphSimulator } from '../../src/graph/simulator';
import type { TenantSeed } from '../../src/graph/simulator';
import { silentLogger } from '../../src/logger';
import { createEmbeddedQueue } from '../../src/queue/embedded/adapter';
import type { Queue } from '../../src/queue/queue';
import { orderingKeyFor, type GroupChanged, type UserChanged } from '../../src/queue/work-item';
import { createStore } from '../../src/store/sql-store';
import type { Engine, Store } from '../../src/store/store';
import { createWorker, type Worker } from '../../src/worker/worker';
import type { WorkerOptions } from '../../src/worker/worker-context';
import { createTestDatabase, type TestDatabase } from '../support/databases';

/** Everything but `Date` stays real: the database drivers and HTTP need their timers. */
const REAL_APIS = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'requestAnimationFrame',
  'cancelAnimationFrame',
  'requestIdleCallback',
  'cancelIdleCallback',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
] as const;

export interface TimedBench {
  sim: GraphSimulator;
  store: Store;
  queue: Queue;
  worker: Worker;
  tenantId: string;
  /** Simulated now, ms. */
  now(): number;
  /** Move the clock on by `ms` and run the worker until nothing is ready. */
  advance(ms: number): Promise<void>;
  /** Step `stepMs` at a time until `done()` holds or `limitMs` of simulated time has passed; the time it held. */
  advanceUntil(
    done: () => Promise<boolean>,
    options: { stepMs: number; limitMs: number },
  ): Promise<number | null>;
  /** What ingest queues for a users notification. */
  notifyUser(userId: string): Promise<void>;
  /** What ingest queues for a groups notification with `members@delta`. */
  notifyGroup(groupId: string, memberIds: string[]): Promise<void>;
  alerts(userId: string, ruleId: string): Promise<Alert[]>;
  /** Graph requests that read the directory audit log (alone, or as `$batch` items). */
  auditReads(): number;
  close(): Promise<void>;
}

export async function createTimedBench(
  engine: Engine,
  seed: TenantSeed,
  options: { auditLagMs?: number; groupLicensingLagMs?: number; worker?: WorkerOptions } = {},
): Promise<TimedBench> {
  jest.useFakeTimers({ doNotFake: [...REAL_APIS], now: Date.now() });
  const database: TestDatabase = await createTestDatabase(engine);
  const store = createStore(database.database);
  // Sends on the store's connection: a send thread would stamp rows with its own, real clock.
  const queue = createEmbeddedQueue(database.database, { maxDeliveries: 5, sendThread: false });
  const sim = await startGraphSimulator({
    auditLagMs: options.auditLagMs ?? 60_000,
    groupLicensingLagMs: options.groupLicensingLagMs ?? 0,
    seeds: [seed],
  });
  const tenantId = seed.tenantId.toLowerCase();
  const graph = createGraphReader({
    baseUrl: sim.url,
    tokenProvider: (id) => Promise.resolve(sim.tokenFor(id)),
    logger: silentLogger(),
  });
  // The shipping schedules (SWAP_AUDIT_SCHEDULE, GROUP_LICENSE_RECHECK_SCHEDULE defaults) unless a test says otherwise.
  const worker = createWorker(
    { queue, store, graph, logger: silentLogger(), routing: () => ['log'] },
    { pollMs: 20, leaseMs: 10 * 60_000, ...options.worker },
  );

  const bench: TimedBench = {
    sim,
    store,
    queue,
    worker,
    tenantId,
    now: () => Date.now(),
    async advance(ms) {
      jest.setSystemTime(Date.now() + ms);
      await worker.runOnce();
    },
    async advanceUntil(done, { stepMs, limitMs }) {
      const start = Date.now();
      for (;;) {
        if (await done()) return Date.now();
        if (Date.now() - start >= limitMs) return null;
        await bench.advance(stepMs);
      }
    },
    async notifyUser(userId) {
      const body: UserChanged = {
        kind: 'user-changed',
        tenantId,
        userId,
        changeType: 'updated',
        subscriptionId: 'sub-users',
        receivedAt: new Date().toISOString(),
        source: 'notification',
      };
      await queue.send([
        { messageId: randomUUID(), orderingKey: orderingKeyFor(tenantId, userId), body, coalesce: true },
      ]);
    },
    async notifyGroup(groupId, memberIds) {
      const body: GroupChanged = {
        kind: 'group-changed',
        tenantId,
        groupId,
        changeType: 'updated',
        subscriptionId: 'sub-groups',
        receivedAt: new Date().toISOString(),
        memberIds,
      };
      await queue.send([{ messageId: randomUUID(), orderingKey: orderingKeyFor(tenantId, groupId), body }]);
    },
    async alerts(userId, ruleId) {
      const all = await store.alerts.list({ tenantId, userId });
      return all.filter((a) => a.ruleId === ruleId);
    },
    auditReads: () => sim.requests().filter((r) => r.path.toLowerCase().includes('/auditlogs/')).length,
    async close() {
      await worker.stop();
      jest.useRealTimers();
      await queue.close();
      await store.close();
      await sim.stop();
      await database.drop();
    },
  };
  return bench;
}
