/**
 * A tiny real HTTP server that stands in for Microsoft Graph in client tests: each route answers from a script
 * (one answer per call, the last one repeating), and every request is recorded with its arrival time, headers and
 * body so tests can assert on what the client sent and when. The full Graph simulator lives in src/graph/simulator;
 * this one exists for precise fault scripting (a 429 exactly here, a slow answer exactly there).
 */
import { createServer, type IncomingHttpHeaders, type RequestListener, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface StubAnswer {
  status?: number;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as is (for malformed bodies). */
  raw?: string;
  /** Wait this long before answering (slow responses). */
  delayMs?: number;
}

export interface RecordedRequest {
  method: string;
  /** Path without query. */
  path: string;
  /** Path with query, as received. */
  url: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** Date.now() when the request arrived. */
  at: number;
}

export type StubResponder = StubAnswer | ((request: RecordedRequest, call: number) => StubAnswer);

interface Route {
  method: string;
  path: string | RegExp;
  answers: StubResponder[];
  calls: number;
}

export class GraphStubServer {
  readonly requests: RecordedRequest[] = [];
  private readonly routes: Route[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
  ) {}

  /** `tls`: serve https with this key and certificate (a stand-in token endpoint must be https for MSAL). */
  static async start(options: { tls?: { key: string; cert: string } } = {}): Promise<GraphStubServer> {
    let stub: GraphStubServer | null = null;
    const handler: RequestListener = (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (stub === null) return;
        const text = Buffer.concat(chunks).toString('utf8');
        const url = new URL(req.url ?? '/', 'http://stub');
        let body: unknown = undefined;
        try {
          body = text === '' ? undefined : (JSON.parse(text) as unknown);
        } catch {
          body = text;
        }
        const recorded: RecordedRequest = {
          method: req.method ?? 'GET',
          path: decodeURIComponent(url.pathname),
          url: req.url ?? '/',
          query: url.searchParams,
          headers: req.headers,
          body,
          at: Date.now(),
        };
        stub.requests.push(recorded);
        const answer = stub.answerFor(recorded);
        const send = () => {
          if (res.destroyed) return;
          const headers = { ...(answer.headers ?? {}) };
          let payload = answer.raw ?? '';
          if (answer.json !== undefined) {
            payload = JSON.stringify(answer.json);
            headers['content-type'] ??= 'application/json';
          }
          res.writeHead(answer.status ?? 200, headers);
          res.end(payload);
        };
        if (answer.delayMs === undefined) {
          send();
          return;
        }
        const timer = setTimeout(() => {
          stub?.timers.delete(timer);
          send();
        }, answer.delayMs);
        stub.timers.add(timer);
      });
    };
    const server: Server = options.tls ? createTlsServer(options.tls, handler) : createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    stub = new GraphStubServer(server, `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`);
    return stub;
  }

  /** Script a route: `/v1.0/users/abc` (exact path, decoded) or a RegExp. Answers are used in turn; the last repeats. */
  on(method: string, path: string | RegExp, ...answers: StubResponder[]): this {
    this.routes.unshift({ method: method.toUpperCase(), path, answers, calls: 0 });
    return this;
  }

  requestsTo(method: string, path: string | RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method.toUpperCase() && matches(path, r.path));
  }

  reset(): void {
    this.routes.length = 0;
    this.requests.length = 0;
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      this.server.close((error) => (error ? reject(error) : resolve())),
    );
  }

  private answerFor(request: RecordedRequest): StubAnswer {
    const route = this.routes.find((r) => r.method === request.method && matches(r.path, request.path));
    if (route === undefined) {
      return {
        status: 404,
        json: {
          error: { code: 'StubNoRoute', message: `no scripted answer for ${request.method} ${request.path}` },
        },
      };
    }
    const call = route.calls++;
    const responder = route.answers[Math.min(call, route.answers.length - 1)];
    if (responder === undefined)
      return { status: 500, json: { error: { code: 'StubEmpty', message: 'no answers scripted' } } };
    return typeof responder === 'function' ? responder(request, call) : responder;
  }
}

function matches(path: string | RegExp, actual: string): boolean {
  return typeof path === 'string' ? path === actual : path.test(actual);
}
