/** GET /metrics: the Prometheus text exposition of the registry the composition root fills (ingest, queue, worker). */
import { Router } from 'express';
import type { Registry } from 'prom-client';

export function metricsRoute(registry: Registry): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    const body = await registry.metrics();
    res.setHeader('Content-Type', registry.contentType);
    res.send(body);
  });
  return router;
}
