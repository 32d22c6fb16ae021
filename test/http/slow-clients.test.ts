/**
 * Slow and greedy clients (issue 18 item 3), over raw sockets (net.connect) to the one server: stalled headers, a
 * stalled webhook body and an idle keep-alive connection are closed; connections beyond the cap are not served; the
 * bytes of bodies in flight are capped with 503 + Retry-After, while requests without a body still pass. The limits
 * are made small here so each wait is short; the defaults are checked as values, not timed.
 */
import { connect, type Socket } from 'node:net';
import type { Server, ServerResponse } from 'node:http';
import { Registry } from 'prom-client';
import { createExpressApp } from '../../src/http/express-app';
import { createHttpServer } from '../../src/http/http-server';
import { closeGracefully, listen } from '../../src/http/server-lifecycle';
import { SERVER_LIMITS, type ServerLimits } from '../../src/http/server-limits';
import { createIngest } from '../../src/ingest/ingest';
import { silentLogger } from '../../src/logger';
import { createRecordingQueue, type RecordingQueue } from '../support/recording-queue';
import { SAMPLE_CLIENT_STATE } from '../ingest/graph-samples';

interface Opened {
  socket: Socket;
  /** Everything the server wrote. */
  received: () => string;
  /** Resolves when the server (or we) closed the socket. */
  closed: Promise<void>;
}

function open(port: number, firstBytes = ''): Promise<Opened> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.once('error', () => undefined);
    socket.once('connect', () => {
      if (firstBytes !== '') socket.write(firstBytes);
      resolve({ socket, received: () => text, closed });
    });
    socket.once('error', reject);
  });
}

async function serve(
  limits: Partial<ServerLimits>,
): Promise<{ server: Server; port: number; queue: RecordingQueue }> {
  const queue = createRecordingQueue();
  const ingest = createIngest({
    queue,
    clientStates: [SAMPLE_CLIENT_STATE],
    logger: silentLogger(),
    registry: new Registry(),
  });
  const app = createExpressApp({
    logger: silentLogger(),
    metricsRegistry: new Registry(),
    readiness: () => Promise.resolve({}),
  });
  const server = createHttpServer({ ingest, app, rateLimit: false, limits });
  const address = await listen(server, 0, '127.0.0.1');
  return { server, port: address.port, queue };
}

/** Slow enough that no test here reaches it unless it is the limit under test. */
const LONG = 60_000;
const relaxed: Partial<ServerLimits> = {
  headersTimeoutMs: LONG,
  requestTimeoutMs: LONG,
  webhookBodyTimeoutMs: LONG,
  keepAliveTimeoutMs: LONG,
};

describe('slow clients', () => {
  const servers: Server[] = [];
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await Promise.all(servers.splice(0).map((s) => closeGracefully(s, { timeoutMs: 1_000 })));
  });

  it('has defaults that fit Graph: 5 s headers and webhook bodies, a keep-alive timeout, caps on connections and body bytes', () => {
    expect(SERVER_LIMITS).toMatchObject({ headersTimeoutMs: 5_000, webhookBodyTimeoutMs: 5_000 });
    const server = createHttpServer({
      ingest: { handle: () => false },
      app: createExpressApp({ logger: silentLogger(), readiness: () => Promise.resolve({}) }),
    });
    expect(server.headersTimeout).toBe(SERVER_LIMITS.headersTimeoutMs);
    expect(server.requestTimeout).toBe(SERVER_LIMITS.requestTimeoutMs);
    expect(server.keepAliveTimeout).toBe(SERVER_LIMITS.keepAliveTimeoutMs);
    expect(server.maxConnections).toBe(SERVER_LIMITS.maxConnections);
    // Node's own defaults, which the probe found in force: 60 s headers, 300 s request, no connection cap.
    expect(server.headersTimeout).toBeLessThan(60_000);
    expect(server.requestTimeout).toBeLessThan(300_000);
  });

  it('closes a connection whose headers stall, with a 408', async () => {
    const { server, port } = await serve({ ...relaxed, headersTimeoutMs: 300 });
    servers.push(server);
    const client = await open(port, 'POST /notifications HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: appl');
    sockets.push(client.socket);
    await client.closed;
    expect(client.received()).toMatch(/^HTTP\/1\.1 408/);
  });

  it('closes a connection that never sends a byte', async () => {
    const { server, port } = await serve({ ...relaxed, headersTimeoutMs: 300 });
    servers.push(server);
    const client = await open(port);
    sockets.push(client.socket);
    await client.closed;
  });

  it('answers 408 and closes a webhook whose body stalls, and nothing is enqueued', async () => {
    const { server, port, queue } = await serve({ ...relaxed, webhookBodyTimeoutMs: 300 });
    servers.push(server);
    const client = await open(
      port,
      'POST /notifications HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"value":[',
    );
    sockets.push(client.socket);
    await client.closed;
    expect(client.received()).toMatch(/^HTTP\/1\.1 408/);
    expect(client.received()).toContain('request-timeout');
    expect(queue.sends).toEqual([]);
  });

  it('lets an API body take longer than a webhook body (requestTimeout, not the webhook deadline)', async () => {
    const { server, port } = await serve({ ...relaxed, webhookBodyTimeoutMs: 100 });
    servers.push(server);
    const client = await open(
      port,
      'POST /api/nothing-here HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{',
    );
    sockets.push(client.socket);
    // Well past the webhook deadline, the connection is still open; then the body completes and is answered.
    await new Promise((r) => setTimeout(r, 500));
    expect(client.socket.destroyed).toBe(false);
    client.socket.write('}');
    await new Promise<void>((resolve) => {
      const check = (): void =>
        client.received().includes('\r\n\r\n') ? resolve() : void setTimeout(check, 20);
      check();
    });
    expect(client.received()).toMatch(/^HTTP\/1\.1 404/);
  });

  it('closes an idle keep-alive connection after the keep-alive timeout', async () => {
    const { server, port } = await serve({ ...relaxed, keepAliveTimeoutMs: 300 });
    servers.push(server);
    const client = await open(
      port,
      'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n',
    );
    sockets.push(client.socket);
    await client.closed;
    expect(client.received()).toMatch(/^HTTP\/1\.1 200/);
  });

  it('does not serve connections beyond the cap; a freed slot serves again', async () => {
    const { server, port } = await serve({ ...relaxed, maxConnections: 3 });
    servers.push(server);
    const held = await Promise.all([open(port), open(port), open(port)]);
    sockets.push(...held.map((h) => h.socket));
    // Wait until the server has counted all three, so the fourth is the one over the cap.
    await new Promise<void>((resolve) => {
      const check = (): void => {
        server.getConnections((_e, n) => (n >= 3 ? resolve() : void setTimeout(check, 20)));
      };
      check();
    });
    const extra = await open(port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    sockets.push(extra.socket);
    await extra.closed;
    expect(extra.received()).toBe('');
    held[0].socket.destroy();
    await held[0].closed;
    await new Promise<void>((resolve) => {
      const check = (): void => {
        server.getConnections((_e, n) => (n <= 2 ? resolve() : void setTimeout(check, 20)));
      };
      check();
    });
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(res.status).toBe(200);
  });

  it('caps the bytes of bodies in flight: 503 with Retry-After beyond it, bodiless requests still served', async () => {
    const { server, port } = await serve({ ...relaxed, maxBodyBytesInFlight: 1_000_000 });
    servers.push(server);
    const head = (length: number): string =>
      `POST /notifications HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n{"value":[`;
    // The server's own handler is the first 'request' listener: once this one runs, the body is reserved, and
    // the budget's release on the answer's 'close' runs before this test's.
    let firstClosed: Promise<void> = Promise.resolve();
    const firstArrived = new Promise<void>((resolveArrived) => {
      server.once('request', (_req, res: ServerResponse) => {
        firstClosed = new Promise<void>((resolve) => res.once('close', () => resolve()));
        resolveArrived();
      });
    });
    const first = await open(port, head(800_000));
    sockets.push(first.socket);
    await firstArrived;
    const second = await open(port, head(800_000));
    sockets.push(second.socket);
    await second.closed;
    expect(second.received()).toMatch(/^HTTP\/1\.1 503/);
    expect(second.received()).toMatch(/\r\nRetry-After: 1\r\n/i);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    // Once the first goes away (the server sees its socket close) its bytes are free again: a body as large is read.
    first.socket.destroy();
    await firstClosed;
    const third = await fetch(`http://127.0.0.1:${port}/notifications`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: `{"value":[]}${' '.repeat(900_000)}`,
    });
    expect(third.status).not.toBe(503);
    expect(third.status).toBeLessThan(500);
  });
});
