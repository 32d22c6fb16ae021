/**
 * GET /metrics: the Prometheus text exposition of the registry the composition root fills (ingest, queue, worker).
 * With METRICS_TOKEN the scraper must send it as a bearer token (compared in constant time, like API_TOKEN): the
 * series name tenants and subscriptions, and not every deployment can keep the port internal.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import type { Registry } from 'prom-client';
import { sendJsonError } from './error-body';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

export function metricsRoute(registry: Registry, token: string | null = null): Router {
  const expected = token === null ? null : digest(token);
  const router = Router();
  router.get('/metrics', async (req, res) => {
    if (expected !== null) {
      const match = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '');
      // Equal-length digests make timingSafeEqual usable whatever the token's length.
      if (match === null || !timingSafeEqual(digest(match[1]!.trim()), expected)) {
        return sendJsonError(
          res,
          401,
          'unauthorized',
          'Send "Authorization: Bearer <METRICS_TOKEN>" to read /metrics.',
          { 'WWW-Authenticate': 'Bearer realm="ra-watch-metrics"' },
        );
      }
    }
    const body = await registry.metrics();
    res.setHeader('Content-Type', registry.contentType);
    res.send(body);
  });
  return router;
}
