/**
 * The simulator's HTTP face (node:http, no framework: every byte of the answer is under control). It authenticates
 * by bearer token (the token names the tenant, nothing is secret), applies injected faults, routes, records and
 * logs each request (method, path, status; never the Authorization header), and writes Graph's headers.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { Logger } from '../../logger';
import type { Faults } from './faults';
import type { DeniedPermissions } from './permissions';
import { badRequest, graphError } from './graph-error';
import { routeGraphRequest } from './graph-router';
import type { SimContext } from './sim-context';
import type { SimRequest, SimResponse } from './sim-exchange';

export interface RecordedRequest {
  method: string;
  /** Path and query as received (for `$batch` items: `/v1.0` + the item's URL). */
  path: string;
  tenantId: string | null;
  status: number;
  /** True for an item routed from inside a `$batch`. */
  viaBatch: boolean;
  /** The request's `Prefer` header, when it sent one (e.g. `include-unknown-enum-members`). */
  prefer?: string;
  at: string;
}

export interface SimulatorServerDeps {
  ctx: SimContext;
  faults: Faults;
  /** Permissions the simulated app lacks: their routes answer 403 (permissions.ts). */
  denied: DeniedPermissions;
  tenantForToken: (token: string) => string | undefined;
  logger: Logger;
  record: (request: RecordedRequest) => void;
  /** Every answer (outside $batch items) waits this long: Graph's own latency, for benchmarks. */
  responseLatencyMs: number;
  /** Per-tenant consent (tenant-consent.ts): a 403 on a route whose permission the tenant has not consented to. */
  refusal?: (req: SimRequest) => SimResponse | null;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export function createSimulatorServer(deps: SimulatorServerDeps): http.Server {
  const { ctx, faults, logger } = deps;

  const dispatch = async (
    req: SimRequest,
    viaBatch: boolean,
  ): Promise<SimResponse & { malformed?: boolean; dropConnection?: boolean }> => {
    const decision = faults.decide(
      { method: req.method, path: req.path, tenantId: req.tenantId },
      { allowMalformed: !viaBatch },
    );
    const delayMs = decision.delayMs + (viaBatch ? 0 : deps.responseLatencyMs);
    if (delayMs > 0) await sleep(delayMs);
    let response: SimResponse;
    try {
      response =
        deps.refusal?.(req) ??
        decision.response ??
        deps.denied.refusal(req.method, req.path) ??
        (await routeGraphRequest(ctx, req, (inner) => dispatch(inner, true)));
    } catch (error) {
      logger.error({ err: error, method: req.method, path: req.path }, 'simulator route failed');
      response = graphError(500, 'generalException', 'General exception while processing.');
    }
    // The request took effect; only its answer is lost (faults.ts, LostAnswer).
    if (decision.loseAnswer === 'gateway-timeout')
      response = graphError(504, 'UnknownError', 'Gateway Timeout: the backend did not answer in time.');
    const query = req.query.toString();
    const path = `/v1.0${req.path}${query ? `?${decodeURIComponent(query)}` : ''}`;
    deps.record({
      method: req.method,
      path,
      tenantId: req.tenantId,
      status: response.status,
      viaBatch,
      ...(req.headers['prefer'] === undefined ? {} : { prefer: req.headers['prefer'] }),
      at: new Date().toISOString(),
    });
    logger.debug({ method: req.method, path, status: response.status, viaBatch }, 'graph simulator request');
    if (decision.loseAnswer === 'drop-connection') return { ...response, dropConnection: true };
    return decision.malformed && response.status < 300 ? { ...response, malformed: true } : response;
  };

  return http.createServer((incoming, outgoing) => {
    void handle(incoming, outgoing).catch((error: unknown) => {
      logger.error({ err: error }, 'simulator failed to answer');
      if (!outgoing.headersSent) outgoing.writeHead(500);
      outgoing.end();
    });
  });

  async function handle(incoming: http.IncomingMessage, outgoing: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const url = new URL(incoming.url ?? '/', 'http://simulator');
    const method = (incoming.method ?? 'GET').toUpperCase();
    const clientRequestId = header(incoming, 'client-request-id') ?? randomUUID();
    const send = (response: SimResponse & { malformed?: boolean; dropConnection?: boolean }) => {
      if (response.dropConnection === true) {
        outgoing.socket?.destroy();
        return;
      }
      write(outgoing, response, clientRequestId);
    };

    if (!url.pathname.startsWith('/v1.0/')) {
      deps.record({
        method,
        path: url.pathname,
        tenantId: null,
        status: 404,
        viaBatch: false,
        at: new Date().toISOString(),
      });
      return send(
        graphError(
          404,
          'Request_ResourceNotFound',
          `The simulator serves Graph v1.0 under /v1.0; '${url.pathname}' is not there.`,
        ),
      );
    }
    const auth = header(incoming, 'authorization') ?? '';
    const token = /^Bearer\s+(.+)$/i.exec(auth)?.[1]?.trim();
    const tenantId = token === undefined ? undefined : deps.tenantForToken(token);
    if (tenantId === undefined) {
      const status = 401;
      deps.record({
        method,
        path: url.pathname,
        tenantId: null,
        status,
        viaBatch: false,
        at: new Date().toISOString(),
      });
      logger.debug({ method, path: url.pathname, status }, 'graph simulator request without a known token');
      return send(
        graphError(
          401,
          'InvalidAuthenticationToken',
          token === undefined
            ? 'Access token is empty.'
            : 'Access token validation failure. Invalid audience.',
        ),
      );
    }
    let body: unknown;
    const text = Buffer.concat(chunks).toString('utf8');
    if (text.trim().length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        return send(
          badRequest(
            'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
            'BadRequest',
          ),
        );
      }
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(incoming.headers))
      if (typeof v === 'string' && k !== 'authorization') headers[k] = v;
    send(
      await dispatch(
        {
          method,
          path: url.pathname.slice('/v1.0'.length),
          query: url.searchParams,
          body,
          tenantId,
          headers,
        },
        false,
      ),
    );
  }
}

function header(incoming: http.IncomingMessage, name: string): string | undefined {
  const value = incoming.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function write(
  outgoing: http.ServerResponse,
  response: SimResponse & { malformed?: boolean },
  clientRequestId: string,
): void {
  const requestId = randomUUID();
  const headers: Record<string, string> = {
    'request-id': requestId,
    'client-request-id': clientRequestId,
    ...response.headers,
  };
  if (response.body === undefined) {
    outgoing.writeHead(response.status, headers);
    outgoing.end();
    return;
  }
  let text =
    response.raw === true && typeof response.body === 'string'
      ? response.body
      : JSON.stringify(response.body);
  // A body cut short mid-value: valid-looking headers, unparseable JSON, as a broken proxy would send.
  if (response.malformed === true) text = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
  outgoing.writeHead(response.status, { ...headers, 'Content-Length': String(Buffer.byteLength(text)) });
  outgoing.end(text);
}
