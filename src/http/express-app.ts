/**
 * The Express app: everything that is not one of Graph's two hot endpoints (those are served by the lean ingest
 * handler in front of it, see http-server.ts). Request ids and security headers first, health, metrics, the API
 * and console routers, then a JSON 404 and a JSON error handler so every answer has the
 * `{"error":{"code","message","requestId"}}` shape.
 *
 * No CORS middleware on purpose: the console is served from the same origin, and without Access-Control-* headers a
 * browser on another origin cannot read the API's answers.
 */
import express, { type ErrorRequestHandler, type Express, type RequestHandler, type Router } from 'express';
import { register as defaultRegister, type Registry } from 'prom-client';
import type { Logger } from '../logger';
import { API_BODY_LIMIT_BYTES, bodySizeLimit } from './body-size-limit';
import { healthRoutes, type ReadinessCheck } from './health-routes';
import { errorHandler, notFound } from './json-errors';
import { metricsRoute } from './metrics-route';
import { requestIdOf, requestIds } from './request-id';
import { securityHeaders } from './security-headers';

export interface ExpressAppOptions {
  logger: Logger;
  /** Each check's state: 'ok' or a short reason. /readyz is 200 only when all are 'ok'. */
  readiness: ReadinessCheck;
  routers?: Array<{ path: string; router: Router }>;
  /** Served at /metrics; prom-client's default register when omitted; false: not served here (METRICS_PORT). */
  metricsRegistry?: Registry | false;
  /** METRICS_TOKEN: /metrics asks for this bearer token; null or omitted: open. */
  metricsToken?: string | null;
  /** Largest request body /api accepts (default 1 MB); larger ones get 413 before anything reads them. */
  apiBodyLimitBytes?: number;
}

const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};

export function createExpressApp(options: ExpressAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  // Behind a proxy or not, query strings stay plain key=value: no nested objects from `?a[b]=c`.
  app.set('query parser', 'simple');
  app.use(requestIds());
  app.use(securityHeaders());
  app.use(healthRoutes(options.readiness, options.logger));
  if (options.metricsRegistry !== false)
    app.use(metricsRoute(options.metricsRegistry ?? defaultRegister, options.metricsToken ?? null));
  // API answers (alerts, tenants, tokens' errors) must not be kept by a browser or a shared cache.
  app.use('/api', noStore);
  app.use('/api', bodySizeLimit(options.apiBodyLimitBytes ?? API_BODY_LIMIT_BYTES));
  for (const { path, router } of options.routers ?? []) app.use(path, router);
  app.use(notFound);
  // The error log line carries the request id the caller got back, so the two can be matched.
  const handleError: ErrorRequestHandler = (error, req, res, next) => {
    errorHandler(options.logger.child({ requestId: requestIdOf(req) }))(error, req, res, next);
  };
  app.use(handleError);
  return app;
}
