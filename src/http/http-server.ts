/**
 * The one HTTP server: Graph's hot endpoints first (the lean ingest handler), everything else falls through to
 * Express. One port, one server, so Graph, the API and the probes all reach the same process (DESIGN.md).
 *
 * Every request gets its id here (echoed in X-Request-Id). Slow and greedy clients are bounded before any handler
 * runs (server-limits.ts, body-budget.ts): header and request timeouts, a keep-alive timeout, a connection cap, a
 * budget on body bytes in flight, and a short deadline for the webhook bodies. The webhook endpoints can be given a
 * per-address rate limit, but the app gives them none on purpose: Graph delivers bursts from few addresses, and every
 * refusal counts toward the slow/failed share at which Graph drops notifications for good (DOMAIN.md §5).
 * Benchmarks and tests may still pass one.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Express } from 'express';
import type { Ingest } from '../ingest/ingest';
import { bodyDeadline, createBodyBudget } from './body-budget';
import { createRateLimit, type RateLimit, type RateLimitOptions } from './rate-limit';
import { assignRequestId } from './request-id';
import { nodeServerOptions, SERVER_LIMITS, type ServerLimits } from './server-limits';

export interface HttpServerParts {
  ingest: Pick<Ingest, 'handle'>;
  app: Express;
  /** The webhook rate limit: options, a limiter, or false for none (a benchmark measuring raw throughput). */
  rateLimit?: RateLimitOptions | RateLimit | false;
  /** Timeouts and caps (defaults: SERVER_LIMITS). */
  limits?: Partial<ServerLimits>;
}

const WEBHOOK_PATH = /^\/(notifications|lifecycle)\/?(\?|$)/;

function limiterOf(option: HttpServerParts['rateLimit']): RateLimit | null {
  if (option === false) return null;
  if (option !== undefined && 'admit' in option) return option;
  return createRateLimit(option ?? {});
}

export function createHttpServer(parts: HttpServerParts): Server {
  const { ingest, app } = parts;
  const limits: ServerLimits = { ...SERVER_LIMITS, ...parts.limits };
  const limit = limiterOf(parts.rateLimit);
  const budget = createBodyBudget(limits.maxBodyBytesInFlight, limits.unknownLengthReserveBytes);
  const server = createServer(nodeServerOptions(limits), (req: IncomingMessage, res: ServerResponse) => {
    assignRequestId(req, res);
    if (!budget.admit(req, res)) return;
    const webhook = req.method === 'POST' && WEBHOOK_PATH.test(req.url ?? '');
    if (webhook) bodyDeadline(req, res, limits.webhookBodyTimeoutMs);
    if (limit !== null && webhook && !limit.admit(req, res)) return;
    if (ingest.handle(req, res)) return;
    app(req, res);
  });
  server.maxConnections = limits.maxConnections;
  return server;
}
