/**
 * The composed app over real HTTP: the one server answers Graph's endpoints, the probes, /metrics and the API; the
 * API wants the bearer token; readiness goes false when it stops. No tenant is configured (the API must work
 * without Graph).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { startApp, type App } from '../src/app';
import { loadConfig } from '../src/config';
import { silentLogger } from '../src/logger';
import { createEmptyDatabase, createTestDatabase, type TestDatabase } from './support/databases';
import { testPostgresUrl } from './support/test-postgres-url';

const API_TOKEN = 'an-api-token-for-the-tests-0123456789';
const CLIENT_STATE = 'a-client-state-for-the-tests-0123';

describe('the composed app', () => {
  let db: TestDatabase;
  let app: App;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    const config = loadConfig({
      DATABASE_URL: db.url,
      PORT: '0',
      HOST: '127.0.0.1',
      API_TOKEN,
      CLIENT_STATE,
    });
    app = await startApp({ config, logger: silentLogger() });
  });
  afterAll(async () => {
    await app.stop();
    await db.drop();
  });

  const get = (path: string, token?: string) =>
    fetch(`${app.url}${path}`, token === undefined ? {} : { headers: { Authorization: `Bearer ${token}` } });

  it('is alive and ready, with store and queue reachable', async () => {
    expect((await get('/healthz')).status).toBe(200);
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ checks: { store: 'ok', queue: 'ok', accepting: 'ok' } });
  });

  it('refuses the API without the bearer token, and serves it with', async () => {
    const refused = await get('/api/alerts');
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: { code: 'unauthorized' } });
    expect((await get('/api/alerts', 'wrong-token-wrong-token')).status).toBe(401);
    const alerts = await get('/api/alerts?state=open', API_TOKEN);
    expect(alerts.status).toBe(200);
    expect(await alerts.json()).toEqual({ alerts: [] });
    const deadLetters = await get('/api/dead-letters', API_TOKEN);
    expect(await deadLetters.json()).toEqual({ deadLetters: [] });
  });

  it('queues a notification with the right clientState and counts it in /metrics', async () => {
    const tenantId = '5f1c9a3e-7d2b-4c8e-9a61-3b0d4e2f8c17';
    const userId = 'a3f6c2d1-9b84-4e7a-8c15-6d2e0f9b7a41';
    const body = {
      value: [
        {
          subscriptionId: '8b2e4c71-0f3a-4d9b-b6e5-2a7c91d0f34e',
          subscriptionExpirationDateTime: '2026-12-20T09:58:12.417Z',
          changeType: 'updated',
          resource: `Users/${userId}`,
          resourceData: {
            '@odata.type': '#Microsoft.Graph.User',
            '@odata.id': `Users/${userId}`,
            id: userId,
            organizationId: tenantId,
          },
          clientState: CLIENT_STATE,
          tenantId,
        },
      ],
    };
    const res = await fetch(`${app.url}/notifications`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(202);
    // No Graph is configured, so the worker cannot finish it: it is queued, waiting for a retry, or dead-lettered
    // with its reason; never lost.
    const stats = await app.queue.stats();
    expect(stats.ready + stats.inFlight + stats.scheduled + stats.deadLettered).toBe(1);
    const metrics = await (await get('/metrics')).text();
    expect(metrics).toMatch(/^ra_watch_ingest_\w*accepted\w*_total 1$/m);
    // Operational series: queue depth by state, open alerts, subscriptions' time to expiry.
    expect(metrics).toMatch(/^# TYPE ra_watch_queue_depth gauge$/m);
    expect(metrics).toMatch(/^# TYPE ra_watch_alerts_open gauge$/m);
  });

  it('answers unknown paths with the JSON error shape', async () => {
    const res = await get('/nowhere');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({
      error: { code: expect.any(String), message: expect.any(String) },
    });
  });
});

describe('a start that fails', () => {
  /** Sessions PostgreSQL still has open on `name`; the app's pool ends them when the store closes. */
  async function sessionsOn(name: string): Promise<number> {
    const client = new Client({ connectionString: testPostgresUrl('postgres') });
    await client.connect();
    try {
      const result = await client.query<{ n: string }>(
        'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [name],
      );
      return Number(result.rows[0]?.n ?? 0);
    } finally {
      await client.end();
    }
  }

  /** A backend lingers a moment after its client said goodbye: wait for the count to reach 0, or give up. */
  async function sessionsAfterClose(name: string): Promise<number> {
    let open = await sessionsOn(name);
    for (let round = 0; open > 0 && round < 50; round++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      open = await sessionsOn(name);
    }
    return open;
  }

  const listenOn = (port: number): Promise<Server> =>
    new Promise((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve(server));
    });
  const close = (server: Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

  let db: { url: string; drop(): Promise<void> };
  beforeEach(async () => {
    db = await createEmptyDatabase('postgres');
  });
  afterEach(async () => {
    await db.drop();
  });
  const databaseName = (): string => db.url.slice(db.url.lastIndexOf('/') + 1);

  it('closes the store it had opened when the port is taken, and says why', async () => {
    const taken = await listenOn(0);
    try {
      const port = (taken.address() as AddressInfo).port;
      const config = loadConfig({ DATABASE_URL: db.url, PORT: String(port), HOST: '127.0.0.1', API_TOKEN });
      await expect(startApp({ config, logger: silentLogger() })).rejects.toMatchObject({
        code: 'EADDRINUSE',
      });
      expect(await sessionsAfterClose(databaseName())).toBe(0);
    } finally {
      await close(taken);
    }
  });

  it('releases the port and closes the store when a part after the server fails to start', async () => {
    // A free port, so the test can show it is free again afterwards.
    const probe = await listenOn(0);
    const port = (probe.address() as AddressInfo).port;
    await close(probe);
    const valid = loadConfig({ DATABASE_URL: db.url, PORT: String(port), HOST: '127.0.0.1', API_TOKEN });
    // The exporter refuses a key that is not a GUID when it starts: after the server is listening. (The config's
    // own check would refuse it earlier, so the value is put past it.)
    const config = { ...valid, azureMonitor: { connectionString: 'InstrumentationKey=not-a-guid' } };
    await expect(startApp({ config, logger: silentLogger() })).rejects.toThrow(/instrumentation key/i);
    expect(await sessionsAfterClose(databaseName())).toBe(0);
    await close(await listenOn(port));
  });
});
