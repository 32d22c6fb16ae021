/**
 * API security over a real server (createHttpServer: lean ingest in front of the Express app): security headers,
 * request ids, body size limits, the bearer token, no CORS, the webhook rate limit, and errors without stacks.
 */
import express, { Router } from 'express';
import { Registry } from 'prom-client';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { requireApiToken } from '../../src/api/require-api-token';
import { createExpressApp } from '../../src/http/express-app';
import { createHttpServer } from '../../src/http/http-server';
import { closeGracefully, listen } from '../../src/http/server-lifecycle';
import { createIngest, type Ingest } from '../../src/ingest/ingest';
import { createLogger } from '../../src/logger';
import { createRecordingQueue, type RecordingQueue } from '../support/recording-queue';
import { SAMPLE_CLIENT_STATE, userNotification } from '../ingest/graph-samples';

const TOKEN = 'test-api-token-0123456789abcdef';
const BURST = 5;

interface ErrorAnswer {
  error: { code: string; message: string; requestId?: string };
}

describe('API security over a real server', () => {
  let server: Server;
  let ingest: Ingest;
  let queue: RecordingQueue;
  let baseUrl: string;
  let logText = '';
  let writes = 0;

  beforeAll(async () => {
    const registry = new Registry();
    const logger = createLogger({
      level: 'debug',
      destination: new Writable({
        write(chunk: Buffer, _encoding, done) {
          logText += chunk.toString();
          done();
        },
      }),
    });
    queue = createRecordingQueue();
    ingest = createIngest({ queue, clientStates: [SAMPLE_CLIENT_STATE], logger, registry });
    const api = Router();
    api.use(requireApiToken(TOKEN));
    api.use(express.json({ limit: '16kb' }));
    api.post('/things', (req, res) => {
      writes += 1;
      res.status(201).json({ got: req.body as unknown });
    });
    api.get('/boom', () => {
      throw new Error('connection to postgres://admin:hunter2@db failed');
    });
    const app = createExpressApp({
      logger,
      metricsRegistry: registry,
      readiness: () => Promise.resolve({ store: 'ok' }),
      routers: [{ path: '/api', router: api }],
    });
    // A bucket that refills far slower than the test runs, so the burst is exactly what gets through.
    server = createHttpServer({ ingest, app, rateLimit: { burst: BURST, perSecond: 0.01 } });
    const address = await listen(server, 0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${address.port}`;
  });
  afterAll(() => closeGracefully(server, { ingest }));

  const auth = { Authorization: `Bearer ${TOKEN}` };

  it('sends security headers with a same-origin Content-Security-Policy and no X-Powered-By', async () => {
    const res = await fetch(`${baseUrl}/healthz`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('echoes a sane X-Request-Id, replaces an unsafe one, and generates one when none is sent', async () => {
    const given = await fetch(`${baseUrl}/healthz`, { headers: { 'X-Request-Id': 'front-door.abc-123' } });
    expect(given.headers.get('x-request-id')).toBe('front-door.abc-123');
    const unsafe = await fetch(`${baseUrl}/healthz`, { headers: { 'X-Request-Id': 'a b"<script>' } });
    expect(unsafe.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const none = await fetch(`${baseUrl}/healthz`);
    const other = await fetch(`${baseUrl}/healthz`);
    expect(none.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(none.headers.get('x-request-id')).not.toBe(other.headers.get('x-request-id'));
  });

  it('puts the request id into error answers and the error log line', async () => {
    const res = await fetch(`${baseUrl}/api/boom`, { headers: { ...auth, 'X-Request-Id': 'trace-boom-1' } });
    expect(res.status).toBe(500);
    const body = (await res.json()) as ErrorAnswer;
    expect(body.error.requestId).toBe('trace-boom-1');
    const line = logText.split('\n').find((l) => l.includes('request failed'));
    expect(line).toBeDefined();
    expect((JSON.parse(line!) as { requestId?: string }).requestId).toBe('trace-boom-1');
    const missing = await fetch(`${baseUrl}/nowhere`, { headers: { 'X-Request-Id': 'trace-404' } });
    expect(((await missing.json()) as ErrorAnswer).error).toMatchObject({
      code: 'not-found',
      requestId: 'trace-404',
    });
  });

  it('never puts a stack trace or the failing detail into an error answer', async () => {
    const res = await fetch(`${baseUrl}/api/boom`, { headers: auth });
    const text = await res.text();
    expect(text).not.toMatch(/hunter2|postgres:|at \S+ \(|\.ts:\d+/);
    expect((JSON.parse(text) as ErrorAnswer).error.code).toBe('internal');
  });

  it('answers /api without a token or with a wrong one 401, and the route does nothing', async () => {
    const before = writes;
    const none = await fetch(`${baseUrl}/api/things`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"a":1}',
    });
    const wrong = await fetch(`${baseUrl}/api/things`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer not-the-token-at-all' },
      body: '{"a":1}',
    });
    expect([none.status, wrong.status]).toEqual([401, 401]);
    expect(((await wrong.json()) as ErrorAnswer).error.code).toBe('unauthorized');
    expect(writes).toBe(before);
    const right = await fetch(`${baseUrl}/api/things`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...auth },
      body: '{"a":1}',
    });
    expect(right.status).toBe(201);
    expect(writes).toBe(before + 1);
  });

  it('refuses a body over 1 MB with 413 before the token check, and a malformed one with 400', async () => {
    const big = JSON.stringify({ pad: 'x'.repeat(1024 * 1024 + 10) });
    const oversized = await fetch(`${baseUrl}/api/things`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: big,
    });
    expect(oversized.status).toBe(413);
    expect(((await oversized.json()) as ErrorAnswer).error.code).toBe('payload-too-large');
    const malformed = await fetch(`${baseUrl}/api/things`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...auth },
      body: '{"a":',
    });
    expect(malformed.status).toBe(400);
    const body = (await malformed.json()) as ErrorAnswer;
    expect(body.error.message).not.toMatch(/at \S+ \(/);
  });

  it('sends no CORS headers, so another origin cannot read the API', async () => {
    const preflight = await fetch(`${baseUrl}/api/things`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://evil.example',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const get = await fetch(`${baseUrl}/healthz`, { headers: { Origin: 'https://evil.example' } });
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
  });

  // Last: it spends this address's webhook bucket.
  it('rate-limits POST /notifications per address: the burst is accepted, then 429 with Retry-After', async () => {
    const post = (i: number) =>
      fetch(`${baseUrl}/notifications`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          value: [userNotification(`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`)],
        }),
      });
    const statuses: number[] = [];
    for (let i = 0; i < BURST + 3; i += 1) statuses.push((await post(i)).status);
    expect(statuses.slice(0, BURST)).toEqual(Array(BURST).fill(202));
    expect(statuses.slice(BURST)).toEqual([429, 429, 429]);
    const refused = await post(99);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await refused.json()) as ErrorAnswer).error.code).toBe('too-many-requests');
    // What was refused never reached the queue.
    expect(queue.sends.flat()).toHaveLength(BURST);
    // The rest of the server is not limited by the webhook bucket.
    expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200);
  });
});
