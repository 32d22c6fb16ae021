/**
 * `watch.blind` for a tenant whose subscriptions cannot be made or kept (issue 19 item 5), through the real HTTP
 * path on both store engines: PUBLIC_BASE_URL points at a gate that answers Graph's validation handshake only while
 * it is open, so the Graph simulator's POST /subscriptions fails (400, handshake failed) exactly as Graph does when
 * the URL is unreachable. The tenant gets one critical alert that names the fix (`ra-watch doctor`), a delta pass that
 * works does not clear it (only the subscription source can), more failures update it rather than add alerts, and a
 * create or renewal that works resolves it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { startGraphSimulator, type GraphSimulator } from '../../src/graph/simulator';
import { silentLogger } from '../../src/logger';
import { smallTenant } from '../graph/simulator/small-tenant';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases';
import { apiCaller } from '../support/api-caller';

jest.setTimeout(120_000);

const API_TOKEN = 'an-api-token-for-the-tests-0123456789';
const CLIENT_STATE = 'a-client-state-for-the-tests-0123';
const TENANT = '44444444-7d2b-4c8e-9a61-3b0d4e2f8c17';

/** PUBLIC_BASE_URL's stand-in: echoes the validation token while open, 503 otherwise; accepts everything else. */
interface Gate {
  url: string;
  open: boolean;
  close(): Promise<void>;
}

async function startGate(): Promise<Gate> {
  const gate: Gate = { url: '', open: false, close: () => Promise.resolve() };
  const server: Server = createServer((req, res) => {
    req.resume();
    const token = new URL(req.url ?? '/', 'http://gate').searchParams.get('validationToken');
    if (token !== null && gate.open) {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(token);
      return;
    }
    res.writeHead(token === null ? 202 : 503).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  gate.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  gate.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return gate;
}

describe.each(ENGINES)('watch.blind when subscribing fails, on %s', (engine) => {
  let db: TestDatabase;
  let graph: GraphSimulator;
  let gate: Gate;
  let app: App;

  const start = (): Promise<App> =>
    startApp({
      config: loadConfig({
        DATABASE_URL: db.url,
        PORT: '0',
        HOST: '127.0.0.1',
        API_TOKEN,
        CLIENT_STATE,
        GRAPH_BASE_URL: graph.url,
        GRAPH_ACCESS_TOKEN: graph.tokenFor(TENANT),
        AZURE_TENANT_ID: TENANT,
        PUBLIC_BASE_URL: gate.url,
      }),
      logger: silentLogger(),
      background: false,
    });

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    graph = await startGraphSimulator({ logger: silentLogger(), seeds: [smallTenant(TENANT, 'tailspin')] });
    gate = await startGate();
    app = await start();
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    await gate?.close();
    await graph?.stop();
    await db?.drop();
  });

  const api = apiCaller<Record<string, unknown>>(() => app.url, API_TOKEN);
  const blindAlerts = async (state: 'open' | 'resolved') =>
    (await app.store.alerts.list({ tenantId: TENANT, state })).filter((a) => a.ruleId === 'watch.blind');
  const subscribe = () => api('POST', '/subscriptions', { tenantId: TENANT, resource: 'users' });
  const tenantStatus = async () => (await app.store.tenants.get(TENANT))?.status;

  it('opens one alert naming the fix when the handshake fails, keeps it through a good delta pass, resolves on a create that works', async () => {
    expect((await subscribe()).status).toBeGreaterThanOrEqual(400);
    const [open, ...more] = await blindAlerts('open');
    expect(more).toEqual([]);
    expect(open).toBeDefined();
    expect(open!.severity).toBe('critical');
    expect(open!.finding.evidence).toMatchObject({ cause: 'subscription' });
    expect(open!.finding.remediation.join(' ')).toContain('ra-watch doctor');
    expect(open!.finding.remediation.join(' ')).toContain('PUBLIC_BASE_URL');
    expect(await tenantStatus()).toBe('blind');

    // The delta pass works, but it did not subscribe: the alert stays, the same one.
    await app.reconciler.runOnce();
    expect((await blindAlerts('open')).map((a) => a.id)).toEqual([open!.id]);
    // Failing again updates that alert; it does not add one.
    expect((await subscribe()).status).toBeGreaterThanOrEqual(400);
    expect((await blindAlerts('open')).map((a) => a.id)).toEqual([open!.id]);

    gate.open = true;
    expect((await subscribe()).status).toBe(201);
    expect(await blindAlerts('open')).toEqual([]);
    expect((await blindAlerts('resolved')).map((a) => a.id)).toEqual([open!.id]);
    expect(await tenantStatus()).toBe('active');
  });

  it('a renewal that must recreate a lost subscription and cannot raises it again; the next renewal that works resolves it', async () => {
    const [subscription] = (await app.subscriptions.list(TENANT)).filter((s) => s.status === 'active');
    expect(subscription).toBeDefined();
    // Graph forgets it (404 on renew) while the URL is unreachable again: the recreate fails its handshake.
    graph.expireSubscription(subscription!.id);
    gate.open = false;
    expect((await api('POST', `/subscriptions/${subscription!.id}/renew`)).status).toBeGreaterThanOrEqual(
      400,
    );
    const open = await blindAlerts('open');
    expect(open).toHaveLength(1);
    expect(open[0]!.finding.evidence).toMatchObject({ cause: 'subscription' });

    gate.open = true;
    expect((await api('POST', `/subscriptions/${subscription!.id}/renew`)).status).toBe(200);
    expect(await blindAlerts('open')).toEqual([]);
    expect(await blindAlerts('resolved')).toHaveLength(2);
  });

  it('a restart keeps the cause: the first good delta pass of the new process does not resolve it, a create that works does', async () => {
    gate.open = false;
    expect((await subscribe()).status).toBeGreaterThanOrEqual(400);
    const [open] = await blindAlerts('open');
    expect(open).toBeDefined();

    await app.stop();
    app = await start();
    await app.reconciler.runOnce();
    expect((await blindAlerts('open')).map((a) => a.id)).toEqual([open!.id]);

    gate.open = true;
    expect((await subscribe()).status).toBe(201);
    expect(await blindAlerts('open')).toEqual([]);
  });
});
