/**
 * The composition root: the one place ra-watch is assembled from its parts (STYLE.md). Everything else receives its
 * collaborators as arguments; nothing reaches for a singleton or for the environment.
 *
 * `startApp` opens the store and the queue, builds the Graph client, serves Graph's two endpoints and the API on one
 * port, and runs the background loops (worker, outbox dispatcher, subscription renewal, delta reconcile).
 * Every part is started through one list (started-parts.ts), and `stop()` stops them last started first: readiness
 * goes false, loops finish their in-flight work, leases are left to expire (nothing half-done is settled), the server
 * drains, the queue and the store close. A start that fails stops what it had started, then rethrows.
 */
import express from 'express';
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { TenantId } from './glossary';
import { createStartedParts, type StartedParts } from './started-parts';
import type { App, AppOptions } from './app-shape';
import { openDatabase } from './store/database';
import { createEntraPassword } from './store/postgres-entra-password';
import { createStore } from './store/sql-store';
import { createQueue } from './queue/open-queue';
import { azureCredentialFor } from './graph/client/credential';
import { openGraph } from './graph/open-graph';
import { createWatchedTenants } from './tenants/watched-tenants';
import { createBlindWatch } from './tenants/watch-blind';
import { createNotificationSilenceWatch } from './tenants/watch-blind-notifications';
import { subscriptionOutcomeReporter } from './tenants/watch-blind-subscription';
import { createTenantService, registerTenants } from './tenants/tenant-service';
import { consentSettings } from './tenants/consent-url';
import { openIdTenantDiscovery } from './tenants/tenant-discovery';
import { createIngest } from './ingest/ingest';
import { resolveClientStates } from './ingest/client-state-secret';
import { serveEndpoints } from './http/serve-endpoints';
import { probe } from './http/health-routes';
import { createWorker } from './worker/worker';
import { createSinks, warnIfWebhookUnsigned } from './alerts/sinks-from-config';
import { createRouting } from './alerts/alert-routing';
import { createChannelRouting } from './alerts/channels/channel-routing';
import { createChannelSecretBox } from './alerts/channels/channel-secrets';
import { createChannelService } from './alerts/channels/channel-service';
import { createDigestLoop } from './alerts/digest-loop';
import { createRetentionLoop } from './store/event-retention-loop';
import { createOutboxDispatcher } from './alerts/outbox-dispatcher';
import { openWatchLoops } from './subscriptions/open-watch-loops';
import { GLOBAL_AUTHORITY, auditLogAvailable } from './config/national-clouds';
import { runTenantAudit, type TenantAuditOptions } from './tenant-audit/tenant-audit';
import type { AuditReport } from './tenant-audit/audit-report';
import { createApiRouter } from './api/api-router';
import { createPipelineMetrics } from './metrics/pipeline-metrics';
import { startAzureMonitorExport, type MetricsExport } from './metrics/azure-monitor-export';

export type { App, AppOptions, GraphAccess } from './app-shape';

export async function startApp(options: AppOptions): Promise<App> {
  const parts = createStartedParts(options.logger);
  try {
    return await assemble(options, parts);
  } catch (error) {
    // A failed start (a port in use, a queue that cannot be reached) closes what it had opened, then says why.
    await parts.stopAll();
    throw error;
  }
}

/** Builds and starts every part in dependency order; `parts` stops them in reverse. */
async function assemble(options: AppOptions, parts: StartedParts): Promise<App> {
  const { config, logger } = options;
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });

  // A postgres:// URL without a password signs in with an Entra token of the app's Azure identity (the managed
  // identity on Azure); the function is only called when the server asks for a password.
  const azureIdentity = azureCredentialFor(config.graph.credential);
  const database = await parts.start(
    'database',
    () =>
      openDatabase(config.databaseUrl, {
        logger,
        ...(azureIdentity === null ? {} : { postgresPassword: createEntraPassword(azureIdentity) }),
      }),
    (db) => db.close(),
  );
  const store = createStore(database);
  const queue = await parts.start(
    'queue',
    () => createQueue(config, database, logger),
    (q) => q.close(),
  );
  const observe = createPipelineMetrics(metrics, { queue, store });

  const { access, credentialHealth, graph, graphSubscriptions, adminHttp } = openGraph({
    config,
    access: options.graph,
    observer: observe.graph,
    store,
    logger,
  });
  const tenantIds = options.tenantIds ?? (config.graph.tenantId === null ? [] : [config.graph.tenantId]);
  // The live list of watched tenants (issue 19): the registry, plus the configured tenant, which AZURE_TENANT_ID alone
  // puts in the registry (no other step), plus the demo's.
  const watched = createWatchedTenants(store, tenantIds);
  if (config.graph.tenantId !== null) {
    await registerTenants(store, [config.graph.tenantId.toLowerCase()], 'AZURE_TENANT_ID');
  }

  const sinks = await parts.start(
    'alert sinks',
    () => createSinks(config, logger),
    (opened) => {
      for (const sink of opened.values()) sink.close?.();
    },
  );
  warnIfWebhookUnsigned(config, logger);
  // The environment's channels are the default route; named channels and per-tenant routes in the database (issue
  // 19) come on top, read into memory now (the store calls the routing inside each alert's transaction).
  const channelBox = createChannelSecretBox(config.channelSecretsKeys);
  const channelRouting = createChannelRouting({
    store,
    envSinks: sinks,
    defaultRouting: createRouting({ sinks: [...sinks.keys()] }),
    box: channelBox,
    email: config.email,
    logger,
  });
  await parts.start(
    'alert routes',
    () => channelRouting.refresh(),
    () => channelRouting.stop(),
  );
  const routing = channelRouting.routing;
  const channels = createChannelService({
    store,
    routing: channelRouting,
    box: channelBox,
    defaultChannels: [...sinks.keys()],
  });

  // CLIENT_STATE, or (a real tenant without one) the secret generated once and kept in the store.
  const clientStates = await resolveClientStates({
    configured: config.clientStates,
    realTenant: options.graph === undefined && config.graph.credential.kind !== 'none',
    store,
    logger,
  });
  const ingest = createIngest({
    queue,
    clientStates,
    logger,
    registry: metrics,
    onAnswered: observe.ingestAnswered,
  });

  // The API router is mounted now and filled once the public URL is known (the subscription manager needs it).
  const api = express.Router();
  let ready = true;
  const { url, metricsUrl } = await serveEndpoints(parts, {
    config,
    logger,
    metrics,
    ingest,
    listen: options.listen !== false,
    readiness: async () => ({
      accepting: ready ? 'ok' : 'shutting down',
      store: await probe(() => store.ping()),
      queue: await probe(() => queue.ping()),
      graph: credentialHealth.state(),
    }),
    routers: [{ path: '/api', router: api }, ...(options.routers ?? [])],
  });
  const publicBaseUrl = config.publicBaseUrl ?? (options.publicBaseUrlFallback === 'local-url' ? url : null);

  const audit = (tenantId: TenantId, auditOptions: TenantAuditOptions = {}): Promise<AuditReport> =>
    runTenantAudit({
      store,
      graph,
      logger,
      tenantId,
      routing,
      queue,
      options: { countTeamsRooms: config.allocationCountsTeamsRooms, ...auditOptions },
    });

  const dispatcher = createOutboxDispatcher({
    store,
    sinks: channelRouting.sinks,
    refreshSinks: () => channelRouting.refresh(),
    logger,
    publicBaseUrl,
    options: { ...options.dispatcher },
    observer: observe.sinks,
  });
  const countTeamsRooms = config.allocationCountsTeamsRooms;
  const digest = createDigestLoop({
    store,
    graph,
    sinks: channelRouting.sinks,
    digestSinksFor: (tenantId) => channelRouting.digestSinksFor(tenantId),
    logger,
    tenantIds,
    watched,
    publicBaseUrl,
    countTeamsRooms,
  });
  const retention = createRetentionLoop({ store, logger, retentionDays: config.eventRetentionDays });
  // Set once the tenant service exists (it knows each tenant's consent link); the reconciler reports to it.
  let consentUrlFor: (tenantId: TenantId) => string | null = () => null;
  const blind = createBlindWatch({
    store,
    routing,
    logger,
    consentUrlFor: (tenantId) => consentUrlFor(tenantId),
  });
  const notificationSilence = createNotificationSilenceWatch({ store, blind });
  const { subscriptions, reconciler, onLifecycle, sweepLoop } = openWatchLoops({
    store,
    graph,
    graphSubscriptions,
    queue,
    logger,
    publicBaseUrl,
    clientStates,
    tenantIds,
    watched,
    fullSync: async (tenantId) => {
      await audit(tenantId, { record: true });
    },
    onTenantPass: async (tenantId, error, result) => {
      await blind.passed(tenantId, error);
      if (result !== null) await notificationSilence(tenantId, result);
    },
    onTenantSubscribe: subscriptionOutcomeReporter(blind, (tenantId) => consentUrlFor(tenantId)),
    reconcileIntervalMs: options.reconcileIntervalMs,
    sweepIntervalMs: config.resourceAccountSweepMs,
  });
  const consent = consentSettings(config.graph.credential, access.baseUrl, publicBaseUrl);
  // The configured Graph's Entra resolves domains; a Graph handed in (the demo's simulator, tests) brings its own
  // or none: the real login.microsoftonline.com would name the real tenant of a simulated domain.
  const discoverTenant =
    options.graph === undefined
      ? openIdTenantDiscovery({ authorityHost: consent.authorityHost ?? GLOBAL_AUTHORITY })
      : options.graph.discoverTenant;
  const tenants = createTenantService({
    store,
    logger,
    http: adminHttp,
    tokenProvider: access.tokenProvider,
    subscriptions,
    reconciler,
    blind,
    consent,
    ...(discoverTenant === undefined ? {} : { discoverTenant }),
  });
  consentUrlFor = (tenantId) => tenants.consentUrlFor(tenantId);
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
    {
      swapAuditScheduleMs: config.swapAuditScheduleMs,
      groupLicenseRecheckMs: config.groupLicenseRecheckMs,
      auditLogAvailable: auditLogAvailable(config.graph.baseUrl),
      allocationCountsTeamsRooms: countTeamsRooms,
      ...options.worker,
    },
  );

  api.use(
    createApiRouter({
      config,
      logger,
      store,
      queue,
      graph,
      subscriptions,
      runAudit: audit,
      routing,
      tenantIds,
      tenants,
      watched,
      channels,
    }),
  );

  // Started once every series is registered: the bridge reads the registry's list of metrics once. Stopped after the
  // loops (its last export carries what they counted) and before the store closes (the gauges read it).
  if (config.azureMonitor !== null) {
    const { connectionString } = config.azureMonitor;
    await parts.start(
      'azure monitor export',
      () => startAzureMonitorExport({ connectionString, registry: metrics, logger }),
      (metricsExport: MetricsExport) => metricsExport.stop(),
    );
  }

  if (options.background !== false) {
    const loops = {
      worker,
      dispatcher,
      digest,
      retention,
      subscriptions,
      reconciler,
      'alert routes': channelRouting,
    };
    for (const [name, loop] of Object.entries(loops)) await parts.startLoop(name, loop);
    if (sweepLoop !== null) await parts.startLoop('resource account sweep', sweepLoop);
  }
  // Started last so it stops first: the probes say "shutting down" before anything closes.
  await parts.start(
    'readiness',
    () => undefined,
    () => {
      ready = false;
    },
  );
  logger.info(
    { url, metricsUrl, database: database.engine, queue: config.queue.kind, tenants: tenantIds },
    'ra-watch started',
  );

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= parts.stopAll().then(() => logger.info({}, 'ra-watch stopped'));
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
    tenants,
    watched,
    channels,
    routing,
    audit,
    stop,
  };
}
