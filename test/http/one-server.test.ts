import express, { Router } from 'express';
import { Registry } from 'prom-client';
import type { Server } from 'node:http';
import { createExpressApp } from '../../src/http/express-app';
import { createHttpServer } from '../../src/http/http-server';
import { closeGracefully, listen } from '../../src/http/server-lifecycle';
import { createIngest, type Ingest } from '../../src/ingest/ingest';
import { silentLogger } from '../../src/logger';
import { createRecordingQueue } from '../support/recording-queue';
import { sampleText, SAMPLE_CLIENT_STATE } from '../ingest/graph-samples';

interface ErrorAnswer {
  error: { code: string; message: string };
}

describe('the one HTTP server', () => {
  let server: Server;
  let ingest: Ingest;
  let baseUrl: string;
  let checks: Record<string, string>;
  let readinessThrows: boolean;

  beforeAll(async () => {
    const registry = new Registry();
    const logger = silentLogger();
    ingest = createIngest({
      queue: createRecordingQueue(),
      clientStates: [SAMPLE_CLIENT_STATE],
      logger,
      registry,
    });
    const api = Router();
    api.use(express.json({ limit: '1kb' }));
    api.post('/echo', (req, res) => {
      res.json({ got: req.body as unknown });
    });
    api.get('/boom', () => {
      throw new Error('database password=hunter2 rejected');
    });
    const app = createExpressApp({
      logger,
      metricsRegistry: registry,
      readiness: () =>
        readinessThrows ? Promise.reject(new Error('probe crashed')) : Promise.resolve(checks),
      routers: [{ path: '/api', router: api }],
    });
    server = createHttpServer({ ingest, app });
    const address = await listen(server, 0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${address.port}`;
  });
  beforeEach(() => {
    checks = { store: 'ok', queue: 'ok' };
    readinessThrows = false;
  });
  afterAll(() => closeGracefully(server, { ingest }));

  it('GET /healthz says the process is alive', async () => {
    const res = await fetch(`${baseUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz is 200 when every check is ok', async () => {
    const res = await fetch(`${baseUrl}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', checks: { store: 'ok', queue: 'ok' } });
  });

  it("GET /readyz is 503 naming each check's state when one is not ok", async () => {
    checks = { store: 'ok', queue: 'unreachable: SQLITE_BUSY' };
    const res = await fetch(`${baseUrl}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'unavailable', checks });
  });

  it('GET /readyz is 503 when the readiness probe itself fails', async () => {
    readinessThrows = true;
    const res = await fetch(`${baseUrl}/readyz`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { checks: Record<string, string> }).checks.readiness).toMatch(
      /probe crashed/,
    );
  });

  it('GET /metrics exposes the ingest counters in Prometheus text', async () => {
    expect(
      (
        await fetch(`${baseUrl}/notifications`, {
          method: 'POST',
          body: sampleText('notification-users-multiple.json'),
        })
      ).status,
    ).toBe(202);
    const res = await fetch(`${baseUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^ra_watch_ingest_received_total 4$/m);
    expect(text).toMatch(/^ra_watch_ingest_accepted_total 4$/m);
  });

  it('lets any other path fall through to Express, which answers a JSON 404', async () => {
    const res = await fetch(`${baseUrl}/notifications-archive`);
    expect(res.status).toBe(404);
    const body = (await res.json()) as ErrorAnswer;
    expect(body.error.code).toBe('not-found');
  });

  it('serves the mounted routers', async () => {
    const res = await fetch(`${baseUrl}/api/echo`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"a":1}',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ got: { a: 1 } });
  });

  it("answers a router's body-parser errors in the JSON error shape with their 4xx status", async () => {
    const malformed = await fetch(`${baseUrl}/api/echo`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"a":',
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as ErrorAnswer).error.code).toBe('entity-parse-failed');
    const big = await fetch(`${baseUrl}/api/echo`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ a: 'x'.repeat(5000) }),
    });
    expect(big.status).toBe(413);
  });

  it('answers an unexpected error with a generic 500: no stack, no detail that could hold a secret', async () => {
    const res = await fetch(`${baseUrl}/api/boom`);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect((JSON.parse(text) as ErrorAnswer).error.code).toBe('internal');
    expect(text).not.toMatch(/hunter2|at .*\.ts/);
  });
});
