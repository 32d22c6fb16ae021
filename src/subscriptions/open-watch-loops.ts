/**
 * The parts that keep ra-watch seeing every change, built together because each needs the others: the subscription
 * manager (create, renew, recreate), the delta reconcile (the safety net, and the full sync when a delta link dies),
 * the resource-account sweep on its schedule, and the lifecycle handler that ties Graph's lifecycle events to them.
 * Loops are returned unstarted; app.ts starts them with the rest.
 */
import type { Periodic } from '../background/periodic';
import type { TenantId } from '../glossary';
import type { GraphReader } from '../graph/graph-reader';
import type { GraphSubscriptions } from '../graph/graph-subscriptions';
import { createResourceAccountSweep, createSweepLoop } from '../identification/resource-account-sweep';
import type { Logger } from '../logger';
import type { Queue } from '../queue/queue';
import type { Store } from '../store/store';
import type { WatchedTenants } from '../tenants/watched-tenants';
import { createDeltaReconciler, type DeltaReconciler, type DeltaReconcilerDeps } from './delta-reconcile';
import { createLifecycleHandler, type LifecycleHandler } from './lifecycle-handler';
import {
  createSubscriptionManager,
  type SubscriptionManager,
  type SubscriptionManagerDeps,
} from './subscription-manager';

export interface WatchLoopDeps {
  store: Store;
  graph: GraphReader;
  graphSubscriptions: GraphSubscriptions;
  queue: Queue;
  logger: Logger;
  publicBaseUrl: string | null;
  clientStates: readonly string[];
  /** The tenants named at start (the configured one, the demo's) and the live registry list. */
  tenantIds: readonly TenantId[];
  watched: WatchedTenants;
  /** The recorded tenant audit: what a first pass or a dead delta link runs instead of queueing every user. */
  fullSync: (tenantId: TenantId) => Promise<void>;
  /** Told after each tenant's delta pass, with its error if it failed or its result (`watch.blind`). */
  onTenantPass: NonNullable<DeltaReconcilerDeps['onTenantPass']>;
  /** Told how each subscription create and renewal round went (`watch.blind`). */
  onTenantSubscribe?: SubscriptionManagerDeps['onTenantSubscribe'];
  reconcileIntervalMs?: number | undefined;
  /** RESOURCE_ACCOUNT_SWEEP_MINUTES in ms; 0: no scheduled sweep. */
  sweepIntervalMs: number;
}

export interface WatchLoops {
  subscriptions: SubscriptionManager;
  reconciler: DeltaReconciler;
  onLifecycle: LifecycleHandler;
  /** Null when the schedule is off. */
  sweepLoop: Periodic | null;
}

export function openWatchLoops(deps: WatchLoopDeps): WatchLoops {
  const { store, graph, queue, logger } = deps;
  const reconciler = createDeltaReconciler({
    store,
    graph,
    queue,
    logger,
    fullSync: deps.fullSync,
    onTenantPass: deps.onTenantPass,
    options: {
      tenantIds: [...deps.tenantIds],
      watched: deps.watched,
      ...(deps.reconcileIntervalMs === undefined ? {} : { intervalMs: deps.reconcileIntervalMs }),
    },
  });
  const subscriptions = createSubscriptionManager({
    store,
    graph: deps.graphSubscriptions,
    queue,
    logger,
    publicBaseUrl: deps.publicBaseUrl,
    clientStates: [...deps.clientStates],
    ...(deps.onTenantSubscribe === undefined ? {} : { onTenantSubscribe: deps.onTenantSubscribe }),
  });
  const sweep = createResourceAccountSweep({ store, graph, queue, logger });
  const onLifecycle = createLifecycleHandler({
    store,
    manager: subscriptions,
    reconciler,
    logger,
    sweepResourceAccounts: sweep,
  });
  const sweepLoop =
    deps.sweepIntervalMs > 0
      ? createSweepLoop({
          sweep,
          store,
          tenants: () => deps.watched.list(),
          intervalMs: deps.sweepIntervalMs,
          logger,
        })
      : null;
  return { subscriptions, reconciler, onLifecycle, sweepLoop };
}
