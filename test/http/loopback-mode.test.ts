/**
 * The API without API_TOKEN or Entra ID (loopback-only mode, issue 18 item 1), over a real socket: a loopback socket
 * is not enough; the Host must be a loopback name (DNS rebinding), any Origin this very host (cross-site pages), a
 * write's body JSON (forms cannot send it without a preflight), and no proxy may have forwarded the request.
 */
import { createServer, type Server } from 'node:http';
import express from 'express';
import { Registry } from 'prom-client';
import { requireApiToken } from '../../src/api/require-api-token';
import { createExpressApp } from '../../src/http/express-app';
import { listen } from '../../src/http/server-lifecycle';
import { silentLogger } from '../../src/logger';
import { rawRequest } from '../support/raw-request';

describe('the API in loopback-only mode', () => {
  let server: Server;
  let baseUrl: string;
  let port: number;
  let writes = 0;

  beforeAll(async () => {
    const api = express.Router();
    api.use(requireApiToken(null, { failureLimit: { burst: 1000 } }));
    api.use(express.json());
    api.get('/ping', (_req, res) => void res.json({ ok: true }));
    api.post('/things', (_req, res) => {
      writes += 1;
      res.status(201).json({ ok: true });
    });
    const app = createExpressApp({
      logger: silentLogger(),
      metricsRegistry: new Registry(),
      readiness: () => Promise.resolve({}),
      routers: [{ path: '/api', router: api }],
    });
    server = createServer(app);
    const address = await listen(server, 0, '127.0.0.1');
    port = address.port;
    baseUrl = `http://127.0.0.1:${port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it.each([['127.0.0.1'], ['localhost'], ['[::1]'], ['LOCALHOST']])(
    'answers a loopback Host %s (with the port)',
    async (name) => {
      const res = await rawRequest(baseUrl, { path: '/api/ping', headers: { Host: `${name}:${port}` } });
      expect(res.status).toBe(200);
    },
  );

  it.each([
    ['evil.example'],
    ['evil.example:80'],
    ['127.0.0.1.evil.example'],
    ['localhost.evil.example:3000'],
  ])('refuses a foreign Host %j with 403 loopback-only (DNS rebinding)', async (host) => {
    const res = await rawRequest(baseUrl, { path: '/api/ping', headers: { Host: host } });
    expect(res.status).toBe(403);
    expect((JSON.parse(res.text) as { error: { code: string } }).error.code).toBe('loopback-only');
  });

  it.each([['http://evil.example'], ['null'], ['http://localhost:1'], ['https://evil.example']])(
    'refuses a foreign Origin %s, and nothing is written',
    async (origin) => {
      const before = writes;
      const res = await rawRequest(baseUrl, {
        method: 'POST',
        path: '/api/things',
        headers: { Origin: origin, 'Content-Type': 'application/json' },
        body: '{}',
      });
      expect(res.status).toBe(403);
      expect(res.text).toContain('own origin');
      expect(writes).toBe(before);
    },
  );

  it('answers a page of its own origin', async () => {
    const res = await rawRequest(baseUrl, {
      method: 'POST',
      path: '/api/things',
      headers: { Origin: `http://127.0.0.1:${port}`, 'Content-Type': 'application/json; charset=utf-8' },
      body: '{}',
    });
    expect(res.status).toBe(201);
  });

  it.each([
    ['text/plain'],
    ['application/x-www-form-urlencoded'],
    ['multipart/form-data; boundary=x'],
    [undefined],
  ])('refuses a write whose body is %s with 415, and nothing is written', async (type) => {
    const before = writes;
    const res = await rawRequest(baseUrl, {
      method: 'POST',
      path: '/api/things',
      headers: type === undefined ? {} : { 'Content-Type': type },
      body: '{"a":1}',
    });
    expect(res.status).toBe(415);
    expect((JSON.parse(res.text) as { error: { code: string } }).error.code).toBe('unsupported-media-type');
    expect(writes).toBe(before);
  });

  it.each([
    ['X-Forwarded-For', '203.0.113.9'],
    ['X-Forwarded-Host', 'ra-watch.contoso.com'],
    ['Forwarded', 'for=203.0.113.9'],
    ['X-Real-IP', '203.0.113.9'],
  ])('refuses a request a proxy forwarded (%s) and says a token is needed', async (name, value) => {
    const res = await rawRequest(baseUrl, { path: '/api/ping', headers: { [name]: value } });
    expect(res.status).toBe(403);
    expect(res.text).toContain('API_TOKEN');
    expect(res.text).toContain(name.toLowerCase());
  });
});
