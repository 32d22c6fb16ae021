/**
 * Bounded inputs (issue 18 item 5) through the composed app on a real socket and through the CLI: a duration, a date
 * or an id out of shape is a clear 400 (or a usage error), never a 500, and a tenant id is a GUID or a domain name,
 * so `../../etc` is never recorded as a tenant.
 */
import { startApp, type App } from '../../src/app';
import { EXIT_USAGE } from '../../src/cli/cli-error';
import { runCli } from '../../src/cli/main';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/logger';
import { captureOutput } from '../support/captured-output';
import { createTestDatabase, type TestDatabase } from '../support/databases';

const TENANT = '5f1c9a3e-7d2b-4c8e-9a61-3b0d4e2f8c17';
const USER = 'a3f6c2d1-9b84-4e7a-8c15-6d2e0f9b7a41';

interface ErrorAnswer {
  error: { code: string; message: string };
}

describe('bounded inputs on the API', () => {
  let db: TestDatabase;
  let app: App;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    const config = loadConfig({ DATABASE_URL: db.url, PORT: '0', HOST: '127.0.0.1' });
    app = await startApp({ config, logger: silentLogger(), background: false, tenantIds: [TENANT] });
  });
  afterAll(async () => {
    await app.stop();
    await db.drop();
  });

  const call = async (
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown }> => {
    const res = await fetch(`${app.url!}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
  };

  it.each([
    ['a huge duration', { from: '99999999999d' }, 'too far back'],
    ['a huge duration in weeks', { from: '7d', to: '99999999999999999999w' }, 'too far back'],
    ['a duration past 100 years', { from: '36501d' }, 'too far back'],
    ['an impossible date', { from: '2026-02-30' }, 'not a real date'],
    ['a time without a zone', { from: '2026-02-01T08:00' }, 'no time zone'],
    ['a year out of range', { from: '+275760-09-13T00:00:00Z' }, 'neither an ISO 8601'],
    ['a traversal tenant', { from: '7d', tenantId: '../../etc' }, 'tenantId'],
  ])('POST /api/replay with %s is a 400 that says why', async (_what, body, words) => {
    const res = await call('POST', '/api/replay', { ...body, preview: true });
    expect(res.status).toBe(400);
    expect((res.body as ErrorAnswer).error.message).toContain(words);
  });

  it('accepts a duration at the bound', async () => {
    expect((await call('POST', '/api/replay', { from: '36500d', preview: true })).status).toBe(200);
  });

  it.each([
    ['GET', '/api/alerts?tenantId=..%2F..%2Fetc'],
    ['GET', '/api/alerts?userId=..%2F..%2Fetc'],
    ['GET', '/api/replay?tenantId=..%2F..%2Fetc'],
    ['GET', `/api/replay/timeline/${USER}?tenantId=https%3A%2F%2Fevil.example`],
    ['GET', '/api/resource-accounts?tenantId=..%2F..%2Fetc'],
    ['GET', '/api/subscriptions?tenantId=contoso..com'],
    ['GET', '/api/console/summary?tenantId=..%2F..%2Fetc'],
    ['GET', `/api/alerts/${encodeURIComponent('../../etc')}`],
    ['GET', `/api/alerts/${'a'.repeat(129)}`],
    ['POST', `/api/subscriptions/${encodeURIComponent('x y')}/renew`],
    ['DELETE', `/api/subscriptions/${encodeURIComponent('<script>')}`],
    ['POST', `/api/dead-letters/${encodeURIComponent('../x')}/retry`],
  ])('%s %s is a 400', async (method, path) => {
    const res = await call(method, path);
    expect(res.status).toBe(400);
    expect((res.body as ErrorAnswer).error.code).toBe('invalid-request');
  });

  it.each([
    ['POST', '/api/audit', { tenantId: '../../etc' }],
    ['POST', '/api/subscriptions', { tenantId: '../../etc', resource: 'users' }],
  ])('%s %s with a traversal tenant is a 400', async (method, path, body) => {
    const res = await call(method, path, body);
    expect(res.status).toBe(400);
    expect((res.body as ErrorAnswer).error.message).toContain('tenantId');
  });

  it('never records "../../etc" as a tenant, and takes a domain name', async () => {
    const bad = await call('PUT', `/api/resource-accounts/${USER}`, {
      tenantId: '../../etc',
      isResourceAccount: true,
    });
    expect(bad.status).toBe(400);
    expect(await app.store.registry.list('../../etc')).toEqual([]);
    const good = await call('PUT', `/api/resource-accounts/${USER}`, {
      tenantId: 'contoso.onmicrosoft.com',
      isResourceAccount: true,
    });
    expect(good.status).toBe(200);
    expect((await call('GET', '/api/alerts?tenantId=contoso.onmicrosoft.com')).status).toBe(200);
  });
});

describe('bounded inputs on the CLI', () => {
  it.each([
    [['audit', '--tenant', '../../etc']],
    [['alerts', 'list', '--tenant', 'https://evil.example/']],
    [['timeline', USER, '--tenant', '../../etc']],
    [['replay', '--from', '7d', '--tenant', 'evil.example/../x']],
    [['resource-accounts', 'list', '--tenant', 'a b']],
  ])('refuses %j as a usage error before opening anything', async (argv) => {
    const output = captureOutput();
    expect(await runCli(argv, output)).toBe(EXIT_USAGE);
    expect(output.errors.join('\n')).toMatch(
      /--tenant .* must be the tenant's id \(a GUID\) or one of its domain names/,
    );
  });
});
