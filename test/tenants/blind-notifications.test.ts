/**
 * `watch.blind` when Graph stops delivering notifications (issue 19 item 5, watch-blind-notifications.ts), through
 * the real HTTP path on both store engines. PUBLIC_BASE_URL is a relay in front of the app: it answers Graph's
 * validation handshake, and forwards the simulator's deliveries to the app only while `forward` is on, so "Graph is
 * not delivering" is Graph's POSTs going nowhere. The subscription is aged to 7 hours old (the state a real install
 * is in after 7 quiet hours). A quiet tenant does not alert; changes delta finds that no notification announced do;
 * the first pass after a notification arrives again resolves it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { startGraphSimulator, type GraphSimulator } from '../../src/graph/simulator';
import { OFFICE_365_E5_SKU_ID } from '../../src/licensing/catalog-data';
import { silentLogger } from '../../src/logger';
import { ADELE_ID, smallTenant } from '../graph/simulator/small-tenant';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases';

jest.setTimeout(120_000);

const API_TOKEN = 'an-api-token-for-the-tests-0123456789';
const CLIENT_STATE = 'a-client-state-for-the-tests-0123';
const TENANT = '55555555-7d2b-4c8e-9a61-3b0d4e2f8c17';

interface Relay {
  url: string;
  /** Where deliveries go while forwarding. */
  target: string;
  forward: boolean;
  close(): Promise<void>;
}

async function startRelay(): Promise<Relay> {
  const relay: Relay = { url: '', target: '', forward: false, close: () => Promise.resolve() };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const token = new URL(req.url ?? '/', 'http://relay').searchParams.get('validationToken');
      if (token !== null) {
        res.writeHead(200, { 'content-type': 'text/plain' }).end(token);
        return;
      }
      if (!relay.forward) {
        res.writeHead(202).end(); // accepted, and lost: what Graph sees when a proxy swallows its POSTs
        return;
      }
      fetch(`${relay.target}${req.url ?? '/'}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: Buffer.concat(chunks),
      }).then(
        (answer) => res.writeHead(answer.status).end(),
        () => res.writeHead(502).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  relay.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  relay.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return relay;
}

describe.each(ENGINES)('watch.blind when notifications stop arriving, on %s', (engine) => {
  let db: TestDatabase;
  let graph: GraphSimulator;
  let relay: Relay;
  let app: App;

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    graph = await startGraphSimulator({
      logger: silentLogger(),
      seeds: [smallTenant(TENANT, 'wingtip')],
      notifications: { latencyMs: 10 },
    });
    relay = await startRelay();
    app = await startApp({
      config: loadConfig({
        DATABASE_URL: db.url,
        PORT: '0',
        HOST: '127.0.0.1',
        API_TOKEN,
        CLIENT_STATE,
        GRAPH_BASE_URL: graph.url,
        GRAPH_ACCESS_TOKEN: graph.tokenFor(TENANT),
        AZURE_TENANT_ID: TENANT,
        PUBLIC_BASE_URL: relay.url,
      }),
      logger: silentLogger(),
      background: false,
    });
    relay.target = app.url!;
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    await relay?.close();
    await graph?.stop();
    await db?.drop();
  });

  const blindAlerts = async (state: 'open' | 'resolved') =>
    (await app.store.alerts.list({ tenantId: TENANT, state })).filter((a) => a.ruleId === 'watch.blind');
  const pass = async () => {
    const results = await app.reconciler.runOnce();
    return results.find((r) => r.tenantId === TENANT);
  };

  it('stays quiet for a quiet tenant, alerts on changes no notification announced, resolves when one arrives', async () => {
    const created = await fetch(`${app.url!}/api/subscriptions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${API_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ tenantId: TENANT, resource: 'users' }),
    });
    expect(created.status).toBe(201);
    expect((await pass())?.fullSync).toBe(true); // the baseline
    // Seven hours later, nothing received: the subscription has been active and silent since.
    const [subscription] = await app.store.subscriptions.list(TENANT);
    const sevenHoursAgo = new Date(Date.now() - 7 * 3_600_000).toISOString();
    await app.store.subscriptions.upsert({ ...subscription!, createdAt: sevenHoursAgo });

    // A quiet tenant: no change, no alert, however long the silence.
    expect((await pass())?.queued).toBe(0);
    expect(await blindAlerts('open')).toEqual([]);

    // A change Graph notifies into the void: delta finds it, no notification announced it.
    graph.assignLicense(TENANT, ADELE_ID, { addLicenses: [{ skuId: OFFICE_365_E5_SKU_ID }] });
    await graph.flushNotifications();
    expect((await pass())?.queued).toBeGreaterThan(0);
    const open = await blindAlerts('open');
    expect(open).toHaveLength(1);
    expect(open[0]!.finding.evidence).toMatchObject({ cause: 'notifications' });
    expect(open[0]!.finding.remediation.join(' ')).toContain('ra-watch doctor');
    expect((await app.store.tenants.get(TENANT))?.status).toBe('blind');

    // Delivery works again: the next change's notification reaches the app, and the next pass resolves the alert.
    while ((await app.worker.runOnce()) > 0); // delta's work done, so the notification is not merged into it
    relay.forward = true;
    graph.assignLicense(TENANT, ADELE_ID, { removeLicenses: [OFFICE_365_E5_SKU_ID] });
    await graph.flushNotifications();
    expect(app.ingest.stats().accepted).toBeGreaterThan(0);
    while ((await app.worker.runOnce()) > 0);
    expect((await app.store.subscriptions.get(subscription!.id))?.lastNotificationAt).not.toBeNull();
    await pass();
    expect(await blindAlerts('open')).toEqual([]);
    expect(await blindAlerts('resolved')).toHaveLength(1);
    expect((await app.store.tenants.get(TENANT))?.status).toBe('active');
  });
});
