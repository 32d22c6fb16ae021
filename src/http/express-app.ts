/**
 * The Express app: everything that is not one of Graph's two hot endpoints (those are served by the lean ingest
 * handler in front of it, see http-server.ts). Health, metrics, the API and console routers, then a JSON 404 and a
 * JSON error handler so every answer has the `{"error":{"code","message"}}` shape.
 */
import express, { type Express, type Router } from 'express';
import { register as defaultRegister, type Registry } from 'prom-client';
import type { Logger } from '../logger';
import { healthRoutes, type ReadinessCheck } from './health-routes';
import { errorHandler, notFound } from './json-errors';
import { metricsRoute } from './metrics-route';

export interface ExpressAppOptions {
  logger: Logger;
  /** Each check's state: 'ok' or a short reason. /readyz is 200 only when all are 'ok'. */
  readiness: ReadinessCheck;
  routers?: Array<{ path: string; router: Router }>;
  /** Served at /metrics; prom-client's default register when omitted. */
  metricsRegistry?: Registry;
}

export function createExpressApp(options: ExpressAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  // Behind a proxy or not, query strings stay plain key=value: no nested objects from `?a[b]=c`.
  app.set('query parser', 'simple');
  app.use(healthRoutes(options.readiness, options.logger));
  app.use(metricsRoute(options.metricsRegistry ?? defaultRegister));
  for (const { path, router } of options.routers ?? []) app.use(path, router);
  app.use(notFound);
  app.use(errorHandler(options.logger));
  return app;
}
