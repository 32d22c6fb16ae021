/**
 * A stand-in for ra-watch's own /notifications and /lifecycle endpoints, for tests of code behind them (the
 * subscription manager): a real HTTP server that answers Graph's validation handshake (200, text/plain, the decoded
 * token) and records other POSTs. `refuseValidation` makes it answer 500, as an unreachable or broken endpoint would.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface NotificationEndpoint {
  /** Use as PUBLIC_BASE_URL. */
  baseUrl: string;
  validations: string[];
  posts: Array<{ path: string; body: string }>;
  refuseValidation: boolean;
  close(): Promise<void>;
}

export async function startNotificationEndpoint(): Promise<NotificationEndpoint> {
  const endpoint: Omit<NotificationEndpoint, 'baseUrl' | 'close'> = {
    validations: [],
    posts: [],
    refuseValidation: false,
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const token = url.searchParams.get('validationToken');
      if (token !== null) {
        endpoint.validations.push(url.pathname);
        if (endpoint.refuseValidation) {
          res.writeHead(500).end();
          return;
        }
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }).end(token);
        return;
      }
      endpoint.posts.push({ path: url.pathname, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(endpoint, {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
