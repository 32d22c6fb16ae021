/**
 * /metrics over a real server, with the operational gauges reading a real SQLite store and the embedded queue:
 * the named series are exposed with the store's current state, and a source that fails during a scrape is counted
 * without taking /metrics down.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { createExpressApp } from '../../src/http/express-app';
import { createHttpServer } from '../../src/http/http-server';
import { closeGracefully, listen } from '../../src/http/server-lifecycle';
import { createIngest, type Ingest } from '../../src/ingest/ingest';
import { silentLogger } from '../../src/logger';
import { createMetrics, METRIC_NAMES } from '../../src/metrics/operational-metrics';
import { createEmbeddedQueue } from '../../src/queue/embedded/adapter';
import type { Queue } from '../../src/queue/queue';
import { openDatabase, type Database } from '../../src/store/database';
import { createStore } from '../../src/store/sql-store';
import type { Store } from '../../src/store/store';
import { message } from '../queue/queue-fixtures';
import { change, snapshot, TENANT, userFinding } from '../store/store-fixtures';

const NOW = new Date('2026-03-01T12:00:00.000Z');

describe('/metrics with the operational gauges', () => {
  let directory: string;
  let database: Database;
  let store: Store;
  let queue: Queue;
  let ingest: Ingest;
  let server: Server;
  let baseUrl: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'ra-watch-metrics-'));
    database = await openDatabase(`sqlite:${join(directory, 'metrics.db')}`);
    store = createStore(database);
    queue = createEmbeddedQueue(database, { maxDeliveries: 10 });
    const registry = new Registry();
    createMetrics(registry, { queue, store, now: () => NOW });
    const logger = silentLogger();
    ingest = createIngest({ queue, clientStates: [], logger, registry });
    const app = createExpressApp({ logger, metricsRegistry: registry, readiness: () => Promise.resolve({}) });
    server = createHttpServer({ ingest, app });
    baseUrl = `http://127.0.0.1:${(await listen(server, 0, '127.0.0.1')).port}`;

    await queue.send([
      message('m-1', 'k-1'),
      message('m-2', 'k-2'),
      message('m-3', 'k-3', { notBefore: new Date(Date.now() + 3_600_000) }),
    ]);
    for (const userId of ['u-1', 'u-2']) {
      const after = snapshot(userId, { observedAt: '2026-03-01T11:00:00Z' });
      await store.recordObservation(
        {
          snapshot: after,
          change: change(userId, '2026-03-01T11:00:00Z', {
            after,
            source: { kind: 'notification', subscriptionId: 'sub-1', messageId: null },
          }),
          scope: { tenantId: TENANT, userId, ruleIds: ['ra.unlicensed'] },
          findings: [userFinding('ra.unlicensed', userId)],
          at: '2026-03-01T11:00:00Z',
        },
        () => [],
      );
    }
    await store.subscriptions.upsert({
      id: 'sub-1',
      tenantId: TENANT,
      resource: 'users',
      changeType: 'updated',
      notificationUrl: 'https://ra-watch.example/notifications',
      lifecycleNotificationUrl: null,
      expiresAt: '2026-03-01T13:30:00.000Z',
      clientStateRef: 'primary',
      createdAt: '2026-03-01T10:00:00.000Z',
      lastRenewedAt: null,
      lastNotificationAt: null,
      status: 'active',
    });
  });
  afterAll(async () => {
    await closeGracefully(server, { ingest });
    await database.close().catch(() => undefined);
    await rm(directory, { recursive: true, force: true });
  });

  const scrape = async (): Promise<string> => {
    const res = await fetch(`${baseUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    return res.text();
  };

  it('exposes queue depth, open alerts by rule and severity, and subscription time to expiry with current values', async () => {
    const text = await scrape();
    for (const name of Object.values(METRIC_NAMES)) expect(text).toContain(`# TYPE ${name} `);
    expect(text).toMatch(/^ra_watch_queue_depth\{state="ready"\} 2$/m);
    expect(text).toMatch(/^ra_watch_queue_depth\{state="scheduled"\} 1$/m);
    expect(text).toMatch(/^ra_watch_queue_depth\{state="in_flight"\} 0$/m);
    expect(text).toMatch(/^ra_watch_alerts_open\{rule="ra\.unlicensed",severity="critical"\} 2$/m);
    expect(text).toMatch(
      /^ra_watch_subscription_time_to_expiry_seconds\{tenant="tenant-a",subscription="sub-1",resource="users"\} 5400$/m,
    );
    // The ingest counters share the registry: notifications received/accepted/rejected are on the same page.
    expect(text).toContain('ra_watch_ingest_accepted_total');
  });

  it('follows the state: a leased message counts as in flight, a removed subscription disappears', async () => {
    await queue.receive({ maxMessages: 1, leaseMs: 60_000 });
    await store.subscriptions.upsert({ ...(await store.subscriptions.get('sub-1'))!, status: 'removed' });
    const text = await scrape();
    expect(text).toMatch(/^ra_watch_queue_depth\{state="in_flight"\} 1$/m);
    expect(text).not.toMatch(/^ra_watch_subscription_time_to_expiry_seconds\{/m);
  });

  it('still answers when the database is gone, counting each failed source', async () => {
    await database.close();
    const text = await scrape();
    expect(text).toMatch(/^ra_watch_metrics_collect_failures_total\{source="alerts"\} 1$/m);
    expect(text).toMatch(/^ra_watch_metrics_collect_failures_total\{source="subscriptions"\} 1$/m);
    expect(text).toMatch(/^ra_watch_metrics_collect_failures_total\{source="queue"\} 1$/m);
  });
});
