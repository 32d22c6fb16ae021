/**
 * A real HTTP server on a loopback port standing in for a webhook peer (Teams Workflows, a PSA tool, Slack). It
 * records every request (raw body, headers, arrival time) and answers from a script, so tests can make the peer
 * throttle, fail, or be down, and then come back.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  raw: Buffer;
  body: unknown;
  at: number;
}

export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  /** A function answers from the request's path and query, like a peer that echoes what it could not route. */
  body?: string | ((requestPath: string) => string);
}

export interface WebhookReceiver {
  /** Base URL with the secret-looking path, e.g. http://127.0.0.1:PORT/services/T000/B000/SECRET */
  url: string;
  requests: ReceivedRequest[];
  /** Answers to give, in order; when empty, `fallback` answers. */
  script: ScriptedAnswer[];
  fallback: ScriptedAnswer;
  /** Resolves when `count` requests have arrived (or rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(
  options: { path?: string; ok?: ScriptedAnswer } = {},
): Promise<WebhookReceiver> {
  const path = options.path ?? '/hooks/secret-path-3f9a1c';
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const receiver: Omit<WebhookReceiver, 'url' | 'waitFor' | 'close'> = {
    requests: [],
    script: [],
    fallback: options.ok ?? {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"ok":true}',
    },
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      let body: unknown = null;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        body = raw.toString('utf8');
      }
      const answer = receiver.script.shift() ?? receiver.fallback;
      // Only 2xx count as received; failures are recorded too (tests look at retry timing).
      receiver.requests.push({ path: req.url ?? '', headers: req.headers, raw, body, at: Date.now() });
      res.writeHead(answer.status, { connection: 'close', ...answer.headers });
      res.end(typeof answer.body === 'function' ? answer.body(req.url ?? '') : (answer.body ?? ''));
      for (const waiter of [...waiters]) {
        if (receiver.requests.length >= waiter.count) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}${path}`,
    waitFor(count: number, timeoutMs = 10_000): Promise<ReceivedRequest[]> {
      if (receiver.requests.length >= count) return Promise.resolve(receiver.requests);
      return new Promise<ReceivedRequest[]>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`expected ${count} requests, got ${receiver.requests.length}`)),
          timeoutMs,
        );
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(receiver.requests);
          },
        });
      });
    },
    close(): Promise<void> {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  });
}
