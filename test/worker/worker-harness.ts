/**
 * The worker's test bench: the real store and embedded queue on a fresh database of the given engine, the
 * in-memory Graph stand-in, and small helpers to play changes (a user notification) and look at the outcome.
 * Optional wrappers over the ports let a test inject a crash at one exact point or record the order of writes.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { AssignedLicense, LicenseActivity, SubscribedSku, UserId } from '../../src/glossary';
import type { GraphReader } from '../../src/graph/graph-reader';
import {
  MCOEV_PLAN_ID,
  MCOEV_VIRTUALUSER_PLAN_ID,
  OFFICE_365_E5_SKU_ID,
  RA_SKU_ID,
  TEAMS_PHONE_STANDARD_SKU_ID,
} from '../../src/licensing/catalog-data';
import { createLogger } from '../../src/logger';
import { createEmbeddedQueue } from '../../src/queue/embedded/adapter';
import type { Queue } from '../../src/queue/queue';
import { orderingKeyFor, type UserChanged } from '../../src/queue/work-item';
import { createStore } from '../../src/store/sql-store';
import type { Engine, Store } from '../../src/store/store';
import { createWorker, type Worker } from '../../src/worker/worker';
import type { WorkerDeps, WorkerOptions } from '../../src/worker/worker-context';
import { APPLICATION_INSTANCE_DEPARTMENT } from '../../src/identification/identify-resource-account';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { createMemoryGraph, type MemoryGraph } from '../support/memory-graph-reader';

export const TENANT = '5f1c9a3e-7d2b-4c8e-9a61-3b0d4e2f8c17';

export const licenses = {
  ra: (): AssignedLicense => ({ skuId: RA_SKU_ID, disabledPlans: [] }),
  standard: (): AssignedLicense => ({ skuId: TEAMS_PHONE_STANDARD_SKU_ID, disabledPlans: [] }),
  e5: (disabledPlans: string[] = []): AssignedLicense => ({ skuId: OFFICE_365_E5_SKU_ID, disabledPlans }),
};

const plan = (servicePlanId: string, servicePlanName: string) => ({ servicePlanId, servicePlanName });
const sku = (
  skuId: string,
  skuPartNumber: string,
  enabledUnits: number,
  plans: SubscribedSku['servicePlans'],
): SubscribedSku => ({
  skuId,
  skuPartNumber,
  capabilityStatus: 'Enabled',
  enabledUnits,
  consumedUnits: 0,
  servicePlans: plans,
});

/** Standard, E5 and the RA SKU: `e5Seats` decides the free allocation (25 + floor(seats / 10)). */
export function tenantSkus(options: { e5Seats?: number; raSeats?: number } = {}): SubscribedSku[] {
  return [
    sku(TEAMS_PHONE_STANDARD_SKU_ID, 'MCOEV', 0, [plan(MCOEV_PLAN_ID, 'MCOEV')]),
    sku(OFFICE_365_E5_SKU_ID, 'ENTERPRISEPREMIUM', options.e5Seats ?? 100, [
      plan(MCOEV_PLAN_ID, 'MCOEV'),
      plan('7547a3fe-08ee-4ccb-b430-5077c5041653', 'YAMMER_ENTERPRISE'),
    ]),
    sku(RA_SKU_ID, 'PHONESYSTEM_VIRTUALUSER', options.raSeats ?? 100, [
      plan(MCOEV_VIRTUALUSER_PLAN_ID, 'MCOEV_VIRTUALUSER'),
    ]),
  ];
}

export interface Bench {
  engine: Engine;
  store: Store;
  queue: Queue;
  graph: MemoryGraph;
  worker: Worker;
  /** Log lines the worker wrote (parsed JSON). */
  logs: Array<{ msg?: string; [key: string]: unknown }>;
  /** A resource account as Teams creates it (disabled, application-instance department), known to Teams. */
  addResourceAccount(licenses: AssignedLicense[], name?: string): UserId;
  /** An ordinary user, known to Teams as `user`. */
  addUser(licenses: AssignedLicense[], name?: string): UserId;
  setLicenses(userId: UserId, licenses: AssignedLicense[]): void;
  /** What ingest does for a Graph `updated` notification. */
  notify(...userIds: UserId[]): Promise<void>;
  activity(
    userId: UserId,
    atMsAgo: number,
    change: { added?: string[]; removed?: string[] },
  ): LicenseActivity;
  close(): Promise<void>;
}

export interface BenchOptions {
  worker?: WorkerOptions;
  maxDeliveries?: number;
  /** Wrap the real ports, to inject a fault or record calls. */
  wrapStore?: (store: Store) => Store;
  wrapQueue?: (queue: Queue) => Queue;
  /** Wrap the in-memory Graph as the worker sees it (hold a tenant's reads, say). */
  wrapGraph?: (reader: GraphReader) => GraphReader;
  deps?: Partial<Pick<WorkerDeps, 'onLifecycle'>>;
}

export async function createBench(engine: Engine, options: BenchOptions = {}): Promise<Bench> {
  const database: TestDatabase = await createTestDatabase(engine);
  const realStore = createStore(database.database);
  const realQueue = createEmbeddedQueue(database.database, { maxDeliveries: options.maxDeliveries ?? 5 });
  const store = options.wrapStore?.(realStore) ?? realStore;
  const queue = options.wrapQueue?.(realQueue) ?? realQueue;
  const graph = createMemoryGraph();
  graph.setSkus(TENANT, tenantSkus());

  const logs: Bench['logs'] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line.trim() !== '') logs.push(JSON.parse(line) as Bench['logs'][number]);
      done();
    },
  });
  const worker = createWorker(
    {
      queue,
      store,
      graph: options.wrapGraph?.(graph.reader) ?? graph.reader,
      logger: createLogger({ level: 'debug', destination }),
      routing: () => ['log'],
      ...options.deps,
    },
    {
      // Four audit reads, each due at once: the tests step the worker, not the clock.
      swapAuditScheduleMs: [0, 1, 2, 3],
      retryBaseMs: 60_000,
      tenantDebounceMs: 60_000,
      leaseMs: 30_000,
      pollMs: 20,
      ...options.worker,
    },
  );

  let counter = 0;
  const add = (
    accountType: 'resourceAccount' | 'user',
    assigned: AssignedLicense[],
    name?: string,
  ): UserId => {
    const userId = randomUUID();
    counter += 1;
    const displayName = name ?? `${accountType === 'user' ? 'User' : 'Queue'} ${counter}`;
    graph.setUser({
      tenantId: TENANT,
      userId,
      displayName,
      userPrincipalName: `${displayName.replace(/\s+/g, '.').toLowerCase()}@contoso.com`,
      accountEnabled: accountType === 'user',
      department: accountType === 'user' ? 'Sales' : APPLICATION_INSTANCE_DEPARTMENT,
      assignedLicenses: assigned,
    });
    graph.setTeamsAccountType(TENANT, userId, accountType);
    return userId;
  };

  return {
    engine,
    store,
    queue,
    graph,
    worker,
    logs,
    addResourceAccount: (assigned, name) => add('resourceAccount', assigned, name),
    addUser: (assigned, name) => add('user', assigned, name),
    setLicenses: (userId, assigned) =>
      graph.setUser({ tenantId: TENANT, userId, assignedLicenses: assigned }),
    async notify(...userIds) {
      await queue.send(
        userIds.map((userId) => {
          const body: UserChanged = {
            kind: 'user-changed',
            tenantId: TENANT,
            userId,
            changeType: 'updated',
            subscriptionId: 'sub-1',
            receivedAt: new Date().toISOString(),
            source: 'notification',
          };
          return {
            messageId: randomUUID(),
            orderingKey: orderingKeyFor(TENANT, userId),
            body,
            coalesce: true,
          };
        }),
      );
    },
    activity(userId, atMsAgo, change) {
      const activityId = randomUUID();
      return {
        activityId,
        tenantId: TENANT,
        userId,
        at: new Date(Date.now() - atMsAgo).toISOString(),
        initiatedBy: 'admin@contoso.com',
        addedSkuIds: change.added ?? [],
        removedSkuIds: change.removed ?? [],
        auditRecordIds: [`Directory_${activityId}_ABCDE_1`],
      };
    },
    async close() {
      await worker.stop();
      await realQueue.close();
      await realStore.close();
      await database.drop();
    },
  };
}

/** Run the worker until `done()` holds (a retry backoff or a lease has to run out first); fails after `timeoutMs`. */
export async function runUntil(
  bench: Bench,
  done: () => Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await bench.worker.runOnce();
    if (await done()) return;
    if (Date.now() > deadline) throw new Error('runUntil: condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
