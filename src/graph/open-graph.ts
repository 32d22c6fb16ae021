/**
 * Graph as the running app uses it: where it is and how a token is got (the configured credential, or what the caller
 * gave: the demo's simulator), every acquisition and 401 remembered for `/readyz` (credential-health.ts), the reader
 * whose subscribedSkus answers are also stored for offline replay (stored-sku-catalog.ts), the subscriptions client,
 * and a few-retries client for the calls an admin waits on (a tenant's organization, its permission probe).
 */
import type { GraphAccess } from '../app-shape';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { recordingSkuCatalog } from '../replay/stored-sku-catalog';
import type { Store } from '../store/store';
import { createTokenProvider } from './client/credential';
import { createCredentialHealth, type CredentialHealth } from './client/credential-health';
import { createGraphHttp, type GraphHttp } from './client/graph-http';
import { createGraphReader } from './client/graph-reader-client';
import { createGraphSubscriptions } from './client/graph-subscriptions-client';
import type { GraphTrafficObserver } from './client/graph-traffic';
import type { GraphReader } from './graph-reader';
import type { GraphSubscriptions } from './graph-subscriptions';

export interface OpenedGraph {
  access: GraphAccess;
  credentialHealth: CredentialHealth;
  graph: GraphReader;
  graphSubscriptions: GraphSubscriptions;
  /** For tenant-level calls an admin waits on: one retry, not the loops' patient backoff. */
  adminHttp: GraphHttp;
}

export function openGraph(args: {
  config: Config;
  /** The demo and `serve` without a tenant point this at the built-in simulator. */
  access: GraphAccess | undefined;
  observer: GraphTrafficObserver;
  store: Pick<Store, 'settings'>;
  logger: Logger;
}): OpenedGraph {
  const { config, logger } = args;
  const access = args.access ?? {
    baseUrl: config.graph.baseUrl,
    tokenProvider: createTokenProvider(config.graph.credential, config.graph.baseUrl),
  };
  // Readiness says when the credential is refused, from the tokens and answers the loops already got.
  const credentialHealth = createCredentialHealth();
  const tokenProvider = credentialHealth.track(access.tokenProvider);
  const observer = credentialHealth.observing(args.observer);
  // Every subscribedSkus answer is also stored, so replay and timeline judge events without Graph.
  const graph = recordingSkuCatalog(
    createGraphReader({ baseUrl: access.baseUrl, tokenProvider, logger, observer }),
    args.store,
    logger,
  );
  const graphSubscriptions = createGraphSubscriptions({
    baseUrl: access.baseUrl,
    tokenProvider,
    logger,
    observer,
  });
  const adminHttp = createGraphHttp({
    baseUrl: access.baseUrl,
    tokenProvider: access.tokenProvider,
    logger,
    retry: { maxRetries: 1 },
    observer: args.observer,
  });
  return { access, credentialHealth, graph, graphSubscriptions, adminHttp };
}
