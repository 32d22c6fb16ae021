/**
 * The one HTTP server: Graph's hot endpoints first (the lean ingest handler), everything else falls through to
 * Express. One port, one server, so Graph, the API and the probes all reach the same process (DESIGN.md).
 *
 * Every request gets its id here (echoed in X-Request-Id). The webhook endpoints can be given a per-address rate
 * limit, but the app gives them none on purpose: Graph delivers bursts from few addresses, and every refusal counts
 * toward the slow/failed share at which Graph drops notifications for good (DOMAIN.md §5). Benchmarks and tests may
 * still pass one.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Express } from 'express';
import type { Ingest } from '../ingest/ingest';
import { createRateLimit, type RateLimit, type RateLimitOptions } from './rate-limit';
import { assignRequestId } from './request-id';

export interface HttpServerParts {
  ingest: Pick<Ingest, 'handle'>;
  app: Express;
  /** The webhook rate limit: options, a limiter, or false for none (a benchmark measuring raw throughput). */
  rateLimit?: RateLimitOptions | RateLimit | false;
}

const WEBHOOK_PATH = /^\/(notifications|lifecycle)\/?(\?|$)/;

function limiterOf(option: HttpServerParts['rateLimit']): RateLimit | null {
  if (option === false) return null;
  if (option !== undefined && 'admit' in option) return option;
  return createRateLimit(option ?? {});
}

export function createHttpServer(parts: HttpServerParts): Server {
  const { ingest, app } = parts;
  const limit = limiterOf(parts.rateLimit);
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    assignRequestId(req, res);
    if (limit !== null && req.method === 'POST' && WEBHOOK_PATH.test(req.url ?? '') && !limit.admit(req, res))
      return;
    if (ingest.handle(req, res)) return;
    app(req, res);
  });
}
