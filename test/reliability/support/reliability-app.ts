/**
 * ra-watch assembled in the test process for a scenario: the real composition root (startApp) on a fresh database,
 * listening on loopback, reading the Graph simulator seeded with the reliability tenant. Short intervals everywhere,
 * so faults heal within seconds. `processedFor` is the scenario's proof that a notification was processed: the
 * user's snapshot was read from Graph after the notification was sent.
 */
import { startApp, type App, type AppOptions } from '../../../src/app';
import { loadConfig } from '../../../src/config';
import { silentLogger } from '../../../src/logger';
import {
  startGraphSimulator,
  type GraphSimulator,
  type GraphSimulatorOptions,
} from '../../../src/graph/simulator/graph-simulator';
import type { OutboxDispatcherOptions } from '../../../src/alerts/outbox-dispatcher';
import type { Engine, Store } from '../../../src/store/store';
import type { Queue } from '../../../src/queue/queue';
import { createEmptyDatabase } from '../../support/databases';
import {
  API_TOKEN,
  CLIENT_STATE,
  recordBaseline,
  reliabilityTenant,
  type ReliabilityTenant,
} from './reliability-tenant';

export interface ReliabilityApp {
  app: App;
  url: string;
  simulator: GraphSimulator;
  tenant: ReliabilityTenant;
  stop(): Promise<void>;
}

export interface ReliabilityAppOptions {
  engine: Engine;
  env?: NodeJS.ProcessEnv;
  worker?: NonNullable<AppOptions['worker']>;
  dispatcher?: Partial<OutboxDispatcherOptions>;
  background?: boolean;
  people?: number;
  simulator?: GraphSimulatorOptions;
}

export async function startReliabilityApp(options: ReliabilityAppOptions): Promise<ReliabilityApp> {
  const tenant = reliabilityTenant(options.people);
  const simulator = await startGraphSimulator({
    ...options.simulator,
    logger: silentLogger(),
    seeds: [tenant.seed],
  });
  const database = await createEmptyDatabase(options.engine);
  let app: App;
  try {
    const config = loadConfig({
      DATABASE_URL: database.url,
      PORT: '0',
      HOST: '127.0.0.1',
      CLIENT_STATE,
      API_TOKEN,
      ...options.env,
    });
    app = await startApp({
      config,
      logger: silentLogger(),
      graph: {
        baseUrl: simulator.url,
        tokenProvider: (tenantId) => Promise.resolve(simulator.tokenFor(tenantId)),
      },
      // No watched tenants: no delta pass or audit reads users behind the scenario's back.
      tenantIds: [],
      worker: {
        pollMs: 20,
        leaseMs: 5_000,
        retryBaseMs: 100,
        retryMaxMs: 2_000,
        tenantDebounceMs: 100,
        ...options.worker,
      },
      dispatcher: {
        pollMs: 50,
        baseDelayMs: 100,
        maxDelayMs: 1_000,
        groupWindowMs: 0,
        ...options.dispatcher,
      },
      reconcileIntervalMs: 60 * 60 * 1000,
      ...(options.background === undefined ? {} : { background: options.background }),
    });
  } catch (error) {
    await simulator.stop();
    await database.drop();
    throw error;
  }
  await recordBaseline(app.store, tenant.tenantId);
  return {
    app,
    url: app.url ?? '',
    simulator,
    tenant,
    stop: async () => {
      await app.stop();
      await simulator.stop();
      await database.drop();
    },
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until the queue has nothing ready, leased or scheduled, twice in a row; then one outbox pass. */
export async function waitForDrainedQueue(app: { queue: Queue }, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  while (quiet < 2) {
    const stats = await app.queue.stats();
    const busy = stats.ready + stats.inFlight + stats.scheduled > 0;
    if (Date.now() > deadline)
      throw new Error(`the queue did not drain within ${timeoutMs} ms: ${JSON.stringify(stats)}`);
    quiet = busy ? 0 : quiet + 1;
    await sleep(busy ? 100 : 400);
  }
}

/** How many of the accepted notifications were processed: the user was read after the notification was sent. */
export async function countProcessed(
  app: { store: Store },
  tenantId: string,
  accepted: ReadonlyArray<{ userId: string; sentAt: number }>,
): Promise<number> {
  const observed = new Map<string, number>();
  for (const snapshot of await app.store.snapshots.list(tenantId, { limit: 100_000 })) {
    observed.set(snapshot.userId.toLowerCase(), Date.parse(snapshot.observedAt));
  }
  return accepted.filter((n) => (observed.get(n.userId.toLowerCase()) ?? -Infinity) >= n.sentAt).length;
}
