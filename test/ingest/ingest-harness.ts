/**
 * A real listening server for ingest tests: the one server (createHttpServer) with the lean ingest in front of the
 * Express app, on 127.0.0.1 and a free port, with a fresh prom-client registry. Tests talk to it with fetch.
 */
import type { Server } from 'node:http';
import { Registry } from 'prom-client';
import { createExpressApp } from '../../src/http/express-app';
import { createHttpServer } from '../../src/http/http-server';
import { closeGracefully, listen } from '../../src/http/server-lifecycle';
import { createIngest, type Ingest, type IngestOptions } from '../../src/ingest/ingest';
import { silentLogger } from '../../src/logger';
import type { Queue } from '../../src/queue/queue';
import { SAMPLE_CLIENT_STATE } from './graph-samples';

export interface IngestHarness {
  baseUrl: string;
  ingest: Ingest;
  server: Server;
  registry: Registry;
  post(path: string, body: string | object, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

export async function startIngestServer(
  queue: Queue,
  options: Partial<Omit<IngestOptions, 'queue'>> & { readiness?: () => Promise<Record<string, string>> } = {},
): Promise<IngestHarness> {
  const registry = new Registry();
  const logger = options.logger ?? silentLogger();
  const ingest = createIngest({
    queue,
    clientStates: options.clientStates ?? [SAMPLE_CLIENT_STATE],
    logger,
    registry,
    ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
    ...(options.maxBatchMessages !== undefined ? { maxBatchMessages: options.maxBatchMessages } : {}),
    ...(options.now !== undefined ? { now: options.now } : {}),
  });
  const app = createExpressApp({
    logger,
    readiness: options.readiness ?? (() => Promise.resolve({ queue: 'ok' })),
    metricsRegistry: registry,
  });
  const server = createHttpServer({ ingest, app });
  const address = await listen(server, 0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${address.port}`;
  return {
    baseUrl,
    ingest,
    server,
    registry,
    post: (path, body, headers = {}) =>
      fetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    close: () => closeGracefully(server, { ingest, timeoutMs: 2000 }),
  };
}

/** The `{"error":{"code","message"}}` body of a refused request. */
export async function errorOf(res: Response): Promise<{ code: string; message: string }> {
  const body = (await res.json()) as { error: { code: string; message: string } };
  return body.error;
}
