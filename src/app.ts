/**
 * The composition root: the one place ra-watch is assembled from its parts (STYLE.md). Everything else receives its
 * collaborators as arguments; nothing reaches for a singleton or for the environment.
 *
 * `startApp` opens the store and the queue, builds the Graph client, serves Graph's two endpoints and the API on one
 * port, and runs the background loops (worker, outbox dispatcher, subscription renewal, delta reconcile).
 * `stop()` reverses it: readiness goes false, the server drains, loops finish their in-flight work, leases are left
 * to expire (nothing half-done is settled), the store closes.
 */
import express from 'express';
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { Config } from './config';
import type { TenantId } from './glossary';
import type { Logger } from './logger';
import { describeError } from './errors';
import { openDatabase, type Database } from './store/database';
import { createEntraPassword } from './store/postgres-entra-password';
import { createStore } from './store/sql-store';
import type { Store } from './store/store';
import type { Queue } from './queue/queue';
import { createEmbeddedQueue } from './queue/embedded/embedded-queue';
import { createServiceBusQueue } from './queue/service-bus/service-bus-queue';
import { azureCredentialFor, createTokenProvider, type TokenProvider } from './graph/client/credential';
import { createGraphReader } from './graph/client/graph-reader-client';
import { createGraphSubscriptions } from './graph/client/graph-subscriptions-client';
import type { GraphReader } from './graph/graph-reader';
import { createIngest, type Ingest } from './ingest/ingest';
import { createExpressApp } from './http/express-app';
import { createHttpServer } from './http/http-server';
import { closeGracefully, listen } from './http/server-lifecycle';
import { createWorker, type Worker } from './worker/worker';
import type { WorkerOptions } from './worker/worker-context';
import { createSinks } from './alerts/sinks-from-config';
import { createRouting } from './alerts/alert-routing';
import { createDigestLoop } from './alerts/digest-loop';
import { createRetentionLoop } from './replay/retention-loop';
import {
  createOutboxDispatcher,
  type OutboxDispatcher,
  type OutboxDispatcherOptions,
} from './alerts/outbox-dispatcher';
import { createSubscriptionManager, type SubscriptionManager } from './subscriptions/subscription-manager';
import { createDeltaReconciler, type DeltaReconciler } from './subscriptions/delta-reconcile';
import { createLifecycleHandler } from './subscriptions/lifecycle-handler';
import { runTenantAudit, type TenantAuditOptions } from './audit/tenant-audit';
import type { AuditReport } from './audit/audit-report';
import { requireApiToken } from './api/require-api-token';
import { createEntraTokenVerifier } from './api/entra-token';
import { createAlertsRouter } from './api/alerts-router';
import { createDeadLettersRouter } from './api/dead-letters-router';
import { createSubscriptionsRouter } from './api/subscriptions-router';
import { createRegistryRouter } from './api/registry-router';
import { createAuditRouter } from './api/audit-router';
import { createAllocationRouter } from './api/allocation-router';
import { createReplayRouter } from './api/replay-router';
import { createLicenseCatalog } from './licensing/license-catalog';
import { createConsoleRouter } from './console/console-router';
import { consoleSignInSettings } from './console/console-sign-in';
import { createPipelineMetrics } from './metrics/pipeline-metrics';
import { startAzureMonitorExport, type MetricsExport } from './metrics/azure-monitor-export';
import { createConsoleApiRouter } from './console/console-api-router';
import { createMetricsServer } from './http/metrics-server';

/** Where Graph is and how to get a token for a tenant. Defaults to the configured credential. */
export interface GraphAccess {
  baseUrl: string;
  tokenProvider: TokenProvider;
}

export interface AppOptions {
  config: Config;
  logger: Logger;
  /** The demo and `serve` without a tenant point this at the built-in simulator. */
  graph?: GraphAccess;
  /** Tenants watched (delta reconcile, audits); default: the configured AZURE_TENANT_ID. */
  tenantIds?: TenantId[];
  /** Used when PUBLIC_BASE_URL is unset and Graph can reach the local server (the simulator). */
  publicBaseUrlFallback?: 'local-url';
  worker?: WorkerOptions;
  dispatcher?: Partial<OutboxDispatcherOptions>;
  /** Delta reconcile interval (the safety net for changes that fire no notification). Default 15 min. */
  reconcileIntervalMs?: number;
  /** Run the loops (default true). The CLI's one-shot commands open the app without them. */
  background?: boolean;
  /** Listen for HTTP (default true). */
  listen?: boolean;
  /** More routers mounted after /api and before the JSON 404 (the web console at '/'). */
  routers?: Array<{ path: string; router: express.Router }>;
}

export interface App {
  readonly config: Config;
  readonly logger: Logger;
  readonly database: Database;
  readonly store: Store;
  readonly queue: Queue;
  readonly graph: GraphReader;
  readonly subscriptions: SubscriptionManager;
  readonly reconciler: DeltaReconciler;
  readonly worker: Worker;
  readonly dispatcher: OutboxDispatcher;
  readonly ingest: Ingest;
  readonly metrics: Registry;
  /** `http://host:port` once listening, else null. */
  readonly url: string | null;
  /** `http://host:port` of the METRICS_PORT listener (GET /metrics only) once listening, else null. */
  readonly metricsUrl: string | null;
  readonly tenantIds: TenantId[];
  audit(tenantId: TenantId, options?: TenantAuditOptions): Promise<AuditReport>;
  /** Idempotent; drains and closes everything. */
  stop(): Promise<void>;
}

export async function startApp(options: AppOptions): Promise<App> {
  const { config } = options;
  const logger = options.logger;
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });

  // A postgres:// URL without a password signs in with an Entra token of the app's Azure identity (the managed
  // identity on Azure); the function is only called when the server asks for a password.
  const azureIdentity = azureCredentialFor(config.graph.credential);
  const database = await openDatabase(config.databaseUrl, {
    logger,
    ...(azureIdentity === null ? {} : { postgresPassword: createEntraPassword(azureIdentity) }),
  });
  const store = createStore(database);
  const queue = createQueue(config, database, logger);
  const observe = createPipelineMetrics(metrics, { queue, store });

  const graphAccess = options.graph ?? {
    baseUrl: config.graph.baseUrl,
    tokenProvider: createTokenProvider(config.graph.credential, config.graph.baseUrl),
  };
  const graph = createGraphReader({
    baseUrl: graphAccess.baseUrl,
    tokenProvider: graphAccess.tokenProvider,
    logger,
    observer: observe.graph,
  });
  const graphSubscriptions = createGraphSubscriptions({
    baseUrl: graphAccess.baseUrl,
    tokenProvider: graphAccess.tokenProvider,
    logger,
    observer: observe.graph,
  });
  const tenantIds = options.tenantIds ?? (config.graph.tenantId === null ? [] : [config.graph.tenantId]);
  const defaultTenantId = tenantIds[0] ?? null;

  const sinks = createSinks(config, logger);
  const routing = createRouting({ sinks: [...sinks.keys()] });

  const ingest = createIngest({
    queue,
    clientStates: config.clientStates,
    logger,
    registry: metrics,
    onAnswered: observe.ingestAnswered,
  });

  // The API router is mounted now and filled once the public URL is known (the subscription manager needs it).
  const api = express.Router();
  let ready = true;
  const expressApp = createExpressApp({
    logger,
    // With METRICS_PORT, /metrics is served on that port alone (createMetricsServer), not beside the public routes.
    metricsRegistry: config.metricsPort === null ? metrics : false,
    readiness: async () => ({
      accepting: ready ? 'ok' : 'shutting down',
      store: await probe(() => store.ping()),
      queue: await probe(() => queue.ping()),
    }),
    // The web console last: its static files under '/', after the API and any extra routers.
    routers: [
      { path: '/api', router: api },
      ...(options.routers ?? []),
      { path: '/', router: createConsoleRouter({ signIn: consoleSignInSettings(config) }) },
    ],
  });
  // No per-source rate limit on Graph's endpoints: Graph delivers bursts from few addresses, and every refusal counts
  // toward the slow/failed share at which Graph drops notifications for good (DOMAIN.md §5).
  const server = createHttpServer({ ingest, app: expressApp, rateLimit: false });
  const metricsServer = config.metricsPort === null ? null : createMetricsServer(metrics, logger);
  let url: string | null = null;
  let metricsUrl: string | null = null;
  if (options.listen !== false) {
    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    const urlOf = (port: number): string => `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    const address = await listen(server, config.port, config.host);
    url = urlOf(address.port);
    if (metricsServer !== null && config.metricsPort !== null) {
      metricsUrl = urlOf((await listen(metricsServer, config.metricsPort, config.host)).port);
    }
  }
  const publicBaseUrl = config.publicBaseUrl ?? (options.publicBaseUrlFallback === 'local-url' ? url : null);

  const audit = (tenantId: TenantId, auditOptions: TenantAuditOptions = {}): Promise<AuditReport> =>
    runTenantAudit({ store, graph, logger, tenantId, routing, queue, options: auditOptions });

  const dispatcher = createOutboxDispatcher({
    store,
    sinks,
    logger,
    publicBaseUrl,
    options: { ...options.dispatcher },
    observer: observe.sinks,
  });
  const digest = createDigestLoop({ store, graph, sinks, logger, tenantIds, publicBaseUrl });
  const retention = createRetentionLoop({ store, logger, retentionDays: config.eventRetentionDays });
  const reconciler = createDeltaReconciler({
    store,
    graph,
    queue,
    logger,
    // A first pass or an expired delta link (410) runs the recorded audit rather than queueing every user.
    fullSync: async (tenantId) => {
      await audit(tenantId, { record: true });
    },
    options: {
      tenantIds,
      ...(options.reconcileIntervalMs === undefined ? {} : { intervalMs: options.reconcileIntervalMs }),
    },
  });
  const subscriptions = createSubscriptionManager({
    store,
    graph: graphSubscriptions,
    queue,
    logger,
    publicBaseUrl,
    clientStates: config.clientStates,
  });
  const onLifecycle = createLifecycleHandler({
    store,
    graph: graphSubscriptions,
    manager: subscriptions,
    reconciler,
    logger,
  });
  const worker = createWorker(
    {
      // The worker's queue times each message from lease to settle (worker-metrics.ts).
      queue: observe.worker.observe(queue),
      store,
      graph,
      logger,
      routing,
      onLifecycle: async (item) => {
        await onLifecycle(item);
      },
    },
    options.worker,
  );

  api.use(
    requireApiToken(config.apiToken, {
      entra: config.apiEntra && createEntraTokenVerifier(config.apiEntra),
      logger,
    }),
  );
  api.use('/alerts', createAlertsRouter({ store, logger }));
  api.use('/subscriptions', createSubscriptionsRouter({ manager: subscriptions, defaultTenantId }));
  api.use('/resource-accounts', createRegistryRouter({ store, defaultTenantId, queue }));
  api.use('/audit', createAuditRouter({ runAudit: audit, defaultTenantId }));
  api.use('/allocation', createAllocationRouter({ graph, store, tenantId: defaultTenantId }));
  api.use(
    '/replay',
    createReplayRouter({
      store,
      logger,
      routing,
      defaultTenantId,
      catalogFor: async (tenantId) => createLicenseCatalog(await graph.getSubscribedSkus(tenantId)),
    }),
  );
  api.use('/dead-letters', createDeadLettersRouter({ queue }));
  api.use('/console', createConsoleApiRouter({ store, queue, tenantIds }));

  // Started once every series is registered: the bridge reads the registry's list of metrics once.
  const metricsExport: MetricsExport | null =
    config.azureMonitor === null
      ? null
      : startAzureMonitorExport({
          connectionString: config.azureMonitor.connectionString,
          registry: metrics,
          logger,
        });

  if (options.background !== false) {
    worker.start();
    dispatcher.start();
    digest.start();
    retention.start();
    subscriptions.start();
    reconciler.start();
  }
  logger.info(
    { url, metricsUrl, database: database.engine, queue: config.queue.kind, tenants: tenantIds },
    'ra-watch started',
  );

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      ready = false;
      await closeGracefully(server, { ingest });
      if (metricsServer !== null) await closeGracefully(metricsServer);
      // Each part reports its own failure; one failing must not keep the others from stopping.
      for (const part of [worker, dispatcher, digest, retention, subscriptions, reconciler]) {
        await part
          .stop()
          .catch((error: unknown) =>
            logger.error({ err: describeError(error) }, 'stopping a background loop failed'),
          );
      }
      for (const sink of sinks.values()) sink.close?.();
      // After the loops: the last export carries what they counted; before the store closes, as the gauges read it.
      await metricsExport?.stop();
      await queue.close();
      await database.close();
      logger.info({}, 'ra-watch stopped');
    })();
    return stopping;
  };

  return {
    config,
    logger,
    database,
    store,
    queue,
    graph,
    subscriptions,
    reconciler,
    worker,
    dispatcher,
    ingest,
    metrics,
    url,
    metricsUrl,
    tenantIds,
    audit,
    stop,
  };
}

function createQueue(config: Config, database: Database, logger: Logger): Queue {
  if (config.queue.kind === 'embedded')
    return createEmbeddedQueue(database, { maxDeliveries: config.queue.maxDeliveries });
  // Service Bus by connection string, or by namespace with the same Azure identity that reads Graph.
  const credential = azureCredentialFor(config.graph.credential);
  return createServiceBusQueue({
    queueName: config.queue.queueName,
    maxDeliveries: config.queue.maxDeliveries,
    logger,
    ...(config.queue.connectionString === undefined
      ? {}
      : { connectionString: config.queue.connectionString }),
    ...(config.queue.namespace === undefined ? {} : { namespace: config.queue.namespace }),
    ...(credential === null ? {} : { credential }),
  });
}

/** 'ok', or why the check failed. */
async function probe(check: () => Promise<void>): Promise<string> {
  try {
    await check();
    return 'ok';
  } catch (error) {
    return describeError(error);
  }
}
