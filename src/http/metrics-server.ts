/**
 * The metrics listener of METRICS_PORT: GET /metrics and nothing else, on a port of its own. Container Apps ingress
 * routes a whole port, never a single path, so metrics (they name tenants and subscriptions) stay off the public
 * ingress only by living on a port the deployment exposes inside the environment alone.
 */
import { createServer, type Server } from 'node:http';
import express from 'express';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger';
import { errorHandler, notFound } from './json-errors';
import { metricsRoute } from './metrics-route';
import { nodeServerOptions, SERVER_LIMITS } from './server-limits';

export function createMetricsServer(registry: Registry, logger: Logger, token: string | null = null): Server {
  const app = express();
  app.disable('x-powered-by');
  app.use(metricsRoute(registry, token));
  app.use(notFound);
  app.use(errorHandler(logger));
  // A scraper's request is small and quick: the same timeouts as the main port.
  const server = createServer(nodeServerOptions(SERVER_LIMITS), app);
  server.maxConnections = SERVER_LIMITS.maxConnections;
  return server;
}
