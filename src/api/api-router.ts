/**
 * `/api`: the bearer-token guard, every API router at its path, and the one mapping from the typed errors a router
 * lets through (src/errors.ts) to an HTTP answer. Routers validate and call one function; a `RetryLaterError` or
 * `PermanentError` they do not handle themselves ends here, so a throttled Graph reads the same from every endpoint.
 * Anything else goes on to the app's JSON error handler (src/http/json-errors.ts): a 500 with the detail in the log.
 */
import express, { type ErrorRequestHandler, type Router } from 'express';
import type { Config } from '../config';
import { PermanentError, RetryLaterError } from '../errors';
import type { TenantId } from '../glossary';
import type { GraphReader } from '../graph/graph-reader';
import { sendJsonError } from '../http/error-body';
import type { Logger } from '../logger';
import type { Queue } from '../queue/queue';
import type { ReplayOptions } from '../replay/replay';
import { storedCatalogFor } from '../replay/stored-sku-catalog';
import type { Store } from '../store/store';
import type { SubscriptionManager } from '../subscriptions/subscription-manager';
import { createConsoleApiRouter } from '../console/console-api-router';
import { createAlertsRouter } from './alerts-router';
import { createAllocationRouter } from './allocation-router';
import { createAuditRouter, type AuditRouterOptions } from './audit-router';
import { createDeadLettersRouter } from './dead-letters-router';
import { createEntraTokenVerifier } from './entra-token';
import { createRegistryRouter } from './registry-router';
import { createReplayRouter } from './replay-router';
import { requireApiToken } from './require-api-token';
import { createSubscriptionsRouter } from './subscriptions-router';
import { createTenantsRouter } from './tenants-router';
import type { TenantService } from '../tenants/tenant-service';
import type { ChannelService } from '../alerts/channels/channel-service';
import { createChannelsRouter } from './channels-router';
import { createRoutesRouter } from './routes-router';
import type { WatchedTenants } from '../tenants/watched-tenants';

export interface ApiRouterOptions {
  config: Pick<Config, 'apiToken' | 'apiEntra'> & Partial<Pick<Config, 'allocationCountsTeamsRooms'>>;
  logger: Logger;
  store: Store;
  queue: Queue;
  graph: GraphReader;
  subscriptions: SubscriptionManager;
  runAudit: AuditRouterOptions['runAudit'];
  routing: ReplayOptions['routing'];
  /** Watched tenants, configured first: the first is the default tenant of every endpoint. */
  tenantIds: readonly TenantId[];
  /** The tenant registry's service (issue 19): `/api/tenants`. */
  tenants?: TenantService;
  watched?: WatchedTenants;
  /** Named channels and per-tenant routes (issue 19): `/api/channels`, `/api/routes`. */
  channels?: ChannelService;
}

export function createApiRouter(options: ApiRouterOptions): Router {
  const { config, logger, store, queue, graph } = options;
  const defaultTenantId = options.tenantIds[0] ?? null;
  const api = express.Router();
  api.use(
    requireApiToken(config.apiToken, {
      entra: config.apiEntra && createEntraTokenVerifier(config.apiEntra),
      logger,
    }),
  );
  api.use('/alerts', createAlertsRouter({ store, logger }));
  api.use('/subscriptions', createSubscriptionsRouter({ manager: options.subscriptions, defaultTenantId }));
  api.use('/resource-accounts', createRegistryRouter({ store, defaultTenantId, queue }));
  api.use('/audit', createAuditRouter({ runAudit: options.runAudit, defaultTenantId }));
  api.use(
    '/allocation',
    createAllocationRouter({
      graph,
      store,
      tenantId: defaultTenantId,
      countTeamsRooms: config.allocationCountsTeamsRooms === true,
    }),
  );
  api.use(
    '/replay',
    createReplayRouter({
      store,
      logger,
      routing: options.routing,
      defaultTenantId,
      // The catalog stored with the events (replay/stored-sku-catalog.ts): a replay needs no reachable Graph.
      catalogFor: storedCatalogFor(store),
    }),
  );
  api.use('/dead-letters', createDeadLettersRouter({ queue }));
  if (options.tenants !== undefined) api.use('/tenants', createTenantsRouter({ tenants: options.tenants }));
  if (options.channels !== undefined) {
    api.use('/channels', createChannelsRouter({ channels: options.channels }));
    api.use('/routes', createRoutesRouter({ channels: options.channels }));
  }
  api.use(
    '/console',
    createConsoleApiRouter({
      store,
      queue,
      tenantIds: options.tenantIds,
      ...(options.watched === undefined ? {} : { watched: options.watched }),
      // The tenants overview's "licenses to buy" counts as /api/allocation does.
      countTeamsRooms: config.allocationCountsTeamsRooms === true,
    }),
  );
  api.use(typedErrorHandler);
  return api;
}

/**
 * A `PermanentError`'s reason that is the caller's to fix or a state the server must be set up for; any other reason
 * is Graph refusing or failing (502: an upstream failure, not the caller's).
 */
const statusByReason: Readonly<Record<string, number>> = {
  'subscription-not-found': 404,
  'public-base-url-missing': 409,
  'public-base-url-invalid': 409,
  'client-state-missing': 409,
  'subscription-quota': 409,
  // Graph could not reach our /notifications: an upstream failure, not the caller's.
  'subscription-validation': 502,
};

/** The typed errors as HTTP: retry later → 503 with Retry-After; permanent → its reason's status (default 502). */
export const typedErrorHandler: ErrorRequestHandler = (error: unknown, _req, res, next) => {
  if (res.headersSent) return next(error);
  if (error instanceof RetryLaterError) {
    const seconds = Math.max(1, Math.ceil(error.delayMs / 1000));
    return sendJsonError(
      res,
      503,
      'retry-later',
      `Graph is throttling or unavailable; try again in ${seconds} s. ${error.message}`,
      { 'Retry-After': String(seconds) },
    );
  }
  if (error instanceof PermanentError) {
    return sendJsonError(res, statusByReason[error.reason] ?? 502, error.reason, error.message);
  }
  next(error);
};
