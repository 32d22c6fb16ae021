/**
 * Failed authentications under a flood (issue 18 item 6), over real sockets: each source address may fail a few
 * times, then gets 429 with Retry-After (even with the right token, so guessing gets no faster), other addresses
 * are not affected, and the refusal log is sampled: the first lines, then one per second with the count left out.
 * Graph's endpoints are outside the guard, so a flood of bad tokens does not make them refuse Graph.
 */
import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import express from 'express';
import { Registry } from 'prom-client';
import { requireApiToken } from '../../src/api/require-api-token';
import { createExpressApp } from '../../src/http/express-app';
import { createHttpServer } from '../../src/http/http-server';
import { closeGracefully, listen } from '../../src/http/server-lifecycle';
import { createIngest, type Ingest } from '../../src/ingest/ingest';
import { createLogger } from '../../src/logger';
import { createRecordingQueue } from '../support/recording-queue';
import { rawRequest } from '../support/raw-request';
import { SAMPLE_CLIENT_STATE, userNotification } from '../ingest/graph-samples';

const TOKEN = 'the-right-api-token-0123456789';
const BURST = 5;

interface LogLine {
  msg: string;
  reason?: string;
  suppressed?: number;
  source?: string;
}

async function serve(
  options: Parameters<typeof requireApiToken>[1],
  withIngest?: Ingest,
): Promise<{ server: Server; baseUrl: string }> {
  const api = express.Router();
  api.use(requireApiToken(TOKEN, options));
  api.get('/ping', (_req, res) => void res.json({ ok: true }));
  const app = createExpressApp({
    logger: createLogger({ level: 'silent' }),
    metricsRegistry: new Registry(),
    readiness: () => Promise.resolve({}),
    routers: [{ path: '/api', router: api }],
  });
  const server =
    withIngest === undefined
      ? createServer(app)
      : createHttpServer({ ingest: withIngest, app, rateLimit: false });
  const address = await listen(server, 0, '127.0.0.1');
  return { server, baseUrl: `http://127.0.0.1:${address.port}` };
}

const wrong = { Authorization: 'Bearer a-wrong-guess-0000000000' };

describe('failed authentications', () => {
  const servers: Server[] = [];
  afterAll(() => Promise.all(servers.map((s) => closeGracefully(s))));

  it('are limited per source address: 429 with Retry-After, even for the right token; other addresses still pass', async () => {
    const now = 1_000_000;
    const ingest = createIngest({
      queue: createRecordingQueue(),
      clientStates: [SAMPLE_CLIENT_STATE],
      logger: createLogger({ level: 'silent' }),
      registry: new Registry(),
    });
    const { server, baseUrl } = await serve(
      { failureLimit: { burst: BURST, perSecond: 1, now: () => now } },
      ingest,
    );
    servers.push(server);
    const statuses: number[] = [];
    for (let i = 0; i < BURST + 3; i += 1) {
      statuses.push(
        (await rawRequest(baseUrl, { path: '/api/ping', headers: wrong, localAddress: '127.0.0.2' })).status,
      );
    }
    expect(statuses).toEqual([...Array<number>(BURST).fill(401), 429, 429, 429]);

    const blocked = await rawRequest(baseUrl, {
      path: '/api/ping',
      headers: { Authorization: `Bearer ${TOKEN}` },
      localAddress: '127.0.0.2',
    });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((JSON.parse(blocked.text) as { error: { code: string } }).error.code).toBe('too-many-requests');

    const other = await rawRequest(baseUrl, {
      path: '/api/ping',
      headers: { Authorization: `Bearer ${TOKEN}` },
      localAddress: '127.0.0.3',
    });
    expect(other.status).toBe(200);

    // Graph's endpoint, from the flooding address: not limited (refusals would count toward Graph's drop threshold).
    const validation = await rawRequest(baseUrl, {
      method: 'POST',
      path: '/notifications?validationToken=abc',
      localAddress: '127.0.0.2',
    });
    expect(validation.status).toBe(200);
    const notification = await rawRequest(baseUrl, {
      method: 'POST',
      path: '/notifications',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ value: [userNotification('a3f6c2d1-9b84-4e7a-8c15-6d2e0f9b7a41')] }),
      localAddress: '127.0.0.2',
    });
    expect(notification.status).toBe(202);
  });

  it('are logged sampled: the first lines, then one a second with how many were left out', async () => {
    let now = 5_000_000;
    let logText = '';
    const logger = createLogger({
      level: 'debug',
      destination: new Writable({
        write(chunk: Buffer, _encoding, done) {
          logText += chunk.toString();
          done();
        },
      }),
    });
    const { server, baseUrl } = await serve({
      logger,
      failureLimit: { burst: 10_000 },
      refusalLog: { first: 10, intervalMs: 1000, now: () => now },
    });
    servers.push(server);
    for (let i = 0; i < 200; i += 1) {
      expect((await rawRequest(baseUrl, { path: '/api/ping', headers: wrong })).status).toBe(401);
    }
    const refusals = (): LogLine[] =>
      logText
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as LogLine)
        .filter((l) => l.msg === 'API request refused');
    expect(refusals()).toHaveLength(10);
    now += 1000;
    await rawRequest(baseUrl, { path: '/api/ping', headers: wrong });
    const lines = refusals();
    expect(lines).toHaveLength(11);
    expect(lines[10]).toMatchObject({ reason: 'not the API token', suppressed: 190, source: '127.0.0.1' });
    expect(logText).not.toContain('a-wrong-guess');
  });
});
