/**
 * A real HTTP endpoint standing in for ra-watch's /notifications and /lifecycle: answers the validation handshake
 * (correctly, or in one of the wrong ways Graph must refuse) and records every POST it gets.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type ValidationMode = 'echo' | 'wrong-token' | 'status-500' | 'json' | 'never';

export interface ReceivedPost {
  path: string;
  query: URLSearchParams;
  contentType: string | undefined;
  body: string;
}

export interface WebhookReceiver {
  url: string;
  posts: ReceivedPost[];
  notifications(): ReceivedPost[];
  validations(): ReceivedPost[];
  validation: ValidationMode;
  /** Statuses to answer notifications with, in order; then 202. 0 means: never answer (a hung endpoint). */
  failures: number[];
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const receiver: Omit<WebhookReceiver, 'url' | 'close'> = {
    posts: [],
    validation: 'echo',
    failures: [],
    notifications: () => receiver.posts.filter((p) => !p.query.has('validationToken')),
    validations: () => receiver.posts.filter((p) => p.query.has('validationToken')),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://receiver');
      receiver.posts.push({
        path: url.pathname,
        query: url.searchParams,
        contentType: req.headers['content-type'],
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const token = url.searchParams.get('validationToken');
      if (token !== null) {
        switch (receiver.validation) {
          case 'echo':
            res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }).end(token);
            return;
          case 'wrong-token':
            res.writeHead(200, { 'Content-Type': 'text/plain' }).end(encodeURIComponent(token));
            return;
          case 'status-500':
            res.writeHead(500).end();
            return;
          case 'json':
            res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(token));
            return;
          case 'never':
            return; // no answer at all: the handshake must time out
        }
      }
      const status = receiver.failures.shift() ?? 202;
      if (status === 0) return;
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}
