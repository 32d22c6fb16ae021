import type { AddressInfo } from 'node:net';
import http from 'node:http';
import { createReplayRouter } from '../../src/api/replay-router';
import { createExpressApp } from '../../src/http/express-app';
import { silentLogger } from '../../src/logger';
import { createStore } from '../../src/store/sql-store';
import type { Store } from '../../src/store/store';
import { ENGINES, createTestDatabase, type TestDatabase } from '../support/databases';
import { TENANT_ID } from '../fixtures/licensing';
import {
  HELPDESK,
  MAIN_LINE,
  MAIN_LINE_UPN,
  NOW,
  catalog,
  routing,
  seedScenarios,
} from '../replay/replay-scenarios';

/** Loosely typed answer: the tests read a few fields and let the matchers check them. */
type ReplayJson = {
  [key: string]: unknown;
  items: unknown[];
  delivery: unknown;
  error: { code: string; message: string };
};

describe.each(ENGINES)('/api/replay on %s', (engine) => {
  let testDb: TestDatabase;
  let store: Store;
  let server: http.Server;
  let base: string;

  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    store = createStore(testDb.database);
    await seedScenarios(store);
    const router = createReplayRouter({
      store,
      catalogFor: () => catalog,
      logger: silentLogger(),
      now: () => NOW,
      defaultTenantId: TENANT_ID,
      routing,
    });
    const app = createExpressApp({
      logger: silentLogger(),
      readiness: () => Promise.resolve({}),
      routers: [{ path: '/api/replay', router }],
    });
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    // fetch keeps connections alive; close them so the server (and this worker) can stop.
    server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      server.close((error) => (error ? reject(error) : resolve())),
    );
    await testDb.drop();
  });

  async function post(body: unknown): Promise<{ status: number; json: ReplayJson }> {
    const res = await fetch(`${base}/api/replay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as ReplayJson };
  }

  it('answers a dry run with the report', async () => {
    const { status, json } = await post({ from: '2026-11-24', by: 'oncall@contoso.com' });
    expect(status).toBe(200);
    expect(json).toMatchObject({
      mode: 'dry-run',
      by: 'oncall@contoso.com',
      covered: 6,
      outcomes: { same: 4, new: 2, gone: 1 },
    });
    expect(json.items).toHaveLength(7);
  });

  it('previews how many events a selection covers', async () => {
    const { status, json } = await post({ from: '2026-11-24', upn: MAIN_LINE_UPN, preview: true });
    expect(status).toBe(200);
    expect(json).toEqual({ covered: 2, selection: expect.objectContaining({ userId: MAIN_LINE }) });
  });

  it('delivers only when asked, and only once', async () => {
    const first = await post({ from: '2026-11-24', userId: HELPDESK, deliver: true });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({
      mode: 'deliver',
      by: 'api',
      delivery: { delivered: 2, alreadyDelivered: 0 },
    });
    const second = await post({ from: '2026-11-24', userId: HELPDESK, deliver: true });
    expect(second.json.delivery).toEqual({ delivered: 0, alreadyDelivered: 2, alreadyAlerted: 0 });
  });

  it.each([
    ['a missing start', { to: '1d' }, 'invalid-selection', /"from" is required/],
    ['an inverted range', { from: '2026-11-25', to: '2026-11-24' }, 'invalid-selection', /inverted/],
    ['an unknown rule', { from: '1d', ruleId: 'ra.bogus' }, 'invalid-selection', /Unknown rule/],
    ['an unknown field', { from: '1d', form: 'x' }, 'invalid-request', /form/],
    ['a wrong type', { from: '1d', deliver: 'yes' }, 'invalid-request', /deliver/],
    [
      'preview and deliver together',
      { from: '1d', deliver: true, preview: true },
      'invalid-request',
      /either/,
    ],
  ])('refuses %s with 400 and a message', async (_name, body, code, message) => {
    const { status, json } = await post(body);
    expect(status).toBe(400);
    expect(json.error.code).toBe(code);
    expect(json.error.message).toMatch(message);
  });

  it('refuses malformed JSON with 400', async () => {
    const { status, json } = await post('{"from":');
    expect(status).toBe(400);
    expect(json.error).toHaveProperty('message');
  });

  it('answers 404 for an account ra-watch never saw', async () => {
    const { status, json } = await post({ from: '1d', upn: 'nobody@contoso.onmicrosoft.com' });
    expect(status).toBe(404);
    expect(json.error.code).toBe('unknown-user');
  });

  it('lists recorded replays', async () => {
    const res = await fetch(`${base}/api/replay`);
    const json = (await res.json()) as { replays: Array<{ by: string }> };
    expect(res.status).toBe(200);
    expect(json.replays.map((r) => r.by)).toContain('oncall@contoso.com');
  });

  it('serves an account timeline by UPN, and 404 for an unknown one', async () => {
    const res = await fetch(`${base}/api/replay/timeline/${encodeURIComponent(MAIN_LINE_UPN)}`);
    expect(res.status).toBe(200);
    const json = (await res.json()) as { userId: string; changes: unknown[] };
    expect(json.userId).toBe(MAIN_LINE);
    expect(json.changes).toHaveLength(2);
    const missing = await fetch(`${base}/api/replay/timeline/nobody%40contoso.onmicrosoft.com`);
    expect(missing.status).toBe(404);
  });
});
