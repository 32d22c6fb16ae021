/**
 * The HTTP side of a running app: Graph's two endpoints in front of the Express app (health, API, extra routers, the
 * web console last) on one port, and `/metrics` on METRICS_PORT alone when it is set. Each listener is started
 * through the app's one parts list, so a refused port stops what was opened before it and `stop()` drains them.
 */
import type { Router } from 'express';
import type { Registry } from 'prom-client';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Ingest } from '../ingest/ingest';
import type { StartedParts } from '../started-parts';
import { createConsoleRouter } from '../console/console-router';
import { consoleSignInSettings } from '../console/console-sign-in';
import { createExpressApp } from './express-app';
import type { ReadinessCheck } from './health-routes';
import { createHttpServer } from './http-server';
import { createMetricsServer } from './metrics-server';
import { closeGracefully, listen } from './server-lifecycle';

export interface EndpointOptions {
  config: Config;
  logger: Logger;
  metrics: Registry;
  ingest: Ingest;
  /** False for the CLI's one-shot commands: the routes are built, no port is bound. */
  listen: boolean;
  readiness: ReadinessCheck;
  /** Mounted in this order, before the console at '/'. */
  routers: Array<{ path: string; router: Router }>;
}

export interface ServedEndpoints {
  /** `http://host:port` once listening, else null. */
  url: string | null;
  /** `http://host:port` of the METRICS_PORT listener, else null. */
  metricsUrl: string | null;
}

export async function serveEndpoints(
  parts: StartedParts,
  options: EndpointOptions,
): Promise<ServedEndpoints> {
  const { config, logger, metrics, ingest } = options;
  const expressApp = createExpressApp({
    logger,
    // With METRICS_PORT, /metrics is served on that port alone (createMetricsServer), not beside the public routes.
    metricsRegistry: config.metricsPort === null ? metrics : false,
    metricsToken: config.metricsToken,
    readiness: options.readiness,
    // The web console last: its static files under '/', after the API and any extra routers.
    routers: [
      ...options.routers,
      { path: '/', router: createConsoleRouter({ signIn: consoleSignInSettings(config) }) },
    ],
  });
  // No per-source rate limit on Graph's endpoints: Graph delivers bursts from few addresses, and every refusal counts
  // toward the slow/failed share at which Graph drops notifications for good (DOMAIN.md §5).
  const server = createHttpServer({ ingest, app: expressApp, rateLimit: false });
  // Stopping drains the requests in flight and flushes ingest, listening or not.
  const address = await parts.start(
    'http server',
    () => (options.listen ? listen(server, config.port, config.host) : null),
    () => closeGracefully(server, { ingest }),
  );
  const metricsPort = options.listen ? config.metricsPort : null;
  const metricsAddress =
    metricsPort === null
      ? null
      : await parts.start(
          'metrics server',
          async () => {
            const metricsServer = createMetricsServer(metrics, logger, config.metricsToken);
            return { metricsServer, address: await listen(metricsServer, metricsPort, config.host) };
          },
          ({ metricsServer }) => closeGracefully(metricsServer),
        );
  return {
    url: address === null ? null : localUrl(config.host, address.port),
    metricsUrl: metricsAddress === null ? null : localUrl(config.host, metricsAddress.address.port),
  };
}

/** `http://host:port` for a client on this machine: a wildcard bind is reached on loopback. */
function localUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}
