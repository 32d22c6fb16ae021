/**
 * Subscriptions that never lapse. Graph deletes a users/groups subscription at its expiry (at most 41,760 minutes,
 * 29 days), may remove it, or may stop knowing it; each of those silently ends real-time alerts. The manager creates
 * them, renews each one well before expiry (default: half-way through its life), recreates what Graph no longer
 * knows, and queues a delta resync so the changes made while nobody listened are still seen.
 *
 * The store keeps which configured secret a subscription uses (`CLIENT_STATE#1`), never the secret itself.
 */
import { describeError, PermanentError, RetryLaterError } from '../errors';
import type { IsoTime, TenantId } from '../glossary';
import type { GraphSubscriptionInfo, GraphSubscriptions } from '../graph/graph-subscriptions';
import type { Logger } from '../logger';
import type { Queue } from '../queue/queue';
import { orderingKeyFor } from '../queue/work-item';
import type { Store, StoredSubscription } from '../store/store';
import { notificationUrlsFor } from './notification-urls';
import { replicaHolderId } from '../background/per-tenant-job';
import { createRenewalLoop } from './renewal-loop';
import { DEFAULT_RETRY, retryOnRetryLater, type RetryLaterOptions } from './retry-later';

/** Graph's maximum for users and groups (DOMAIN.md §5). */
export const MAX_LIFETIME_MINUTES = 41_760;
/**
 * One hour under the maximum: Graph refuses an expiry beyond its maximum with a 400, and our clock, the request's
 * time in flight and Graph's clock need not agree to the second. An hour costs nothing at a 29-day lifetime.
 */
export const DEFAULT_LIFETIME_MINUTES = MAX_LIFETIME_MINUTES - 60;
/** Users and groups accept only these (`created` is a 400). */
export const SUBSCRIPTION_CHANGE_TYPE = 'updated,deleted';
/**
 * The gap left by a lapsed or removed subscription is covered the way Graph's own `missed` lifecycle event is: a
 * `lifecycle` work item the worker hands to the lifecycle handler, which runs a delta resync. Queued (durable), so a
 * crash right after recreating still resyncs.
 */
export const GAP_RESYNC_EVENT = 'missed';

export type SubscriptionResource = 'users' | 'groups';

export interface SubscriptionManagerOptions {
  /** Renew once this fraction of a subscription's life has passed (0 < f < 1). Default 0.5. */
  renewAtFraction?: number;
  /** Lifetime asked for on create and renew, at most 41,760. Default 41,700 (see DEFAULT_LIFETIME_MINUTES). */
  lifetimeMinutes?: number;
  /** How often the background loop looks for subscriptions due. Default 15 minutes. */
  renewIntervalMs?: number;
  /** This replica's name in the per-tenant renewal leases (held for one interval). Default host:pid:random. */
  holderId?: string;
  retry?: RetryLaterOptions;
}

export interface SubscriptionManagerDeps {
  store: Store;
  graph: GraphSubscriptions;
  queue: Queue;
  logger: Logger;
  publicBaseUrl: string | null;
  /** Accepted clientState secrets; the first is used for new subscriptions. */
  clientStates: string[];
  now?: () => Date;
  options?: SubscriptionManagerOptions;
}

export interface RenewOutcome {
  subscription: StoredSubscription;
  /** Set when Graph no longer knew the subscription and a new one replaced it. */
  recreatedFrom: string | null;
}

export interface RenewDueResult {
  checked: number;
  renewed: string[];
  recreated: Array<{ from: string; to: string }>;
  failed: Array<{ id: string; error: string }>;
}

export interface SubscriptionManager {
  create(request: { tenantId: TenantId; resource: SubscriptionResource }): Promise<StoredSubscription>;
  list(tenantId?: TenantId): Promise<StoredSubscription[]>;
  get(id: string): Promise<StoredSubscription | null>;
  renew(id: string): Promise<RenewOutcome>;
  /** Replace a subscription Graph no longer has (removed, lapsed, 404) and queue a resync for the gap. */
  recreate(id: string, reason: string): Promise<StoredSubscription>;
  delete(id: string): Promise<boolean>;
  /** Renew what is due (of one tenant, or of all). */
  renewDue(tenantId?: TenantId): Promise<RenewDueResult>;
  /** When a subscription is due for renewal. */
  dueAt(subscription: StoredSubscription): Date;
  start(): void;
  stop(): Promise<void>;
}

export function createSubscriptionManager(deps: SubscriptionManagerDeps): SubscriptionManager {
  const { store, graph, queue, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const options = deps.options ?? {};
  const renewAtFraction = options.renewAtFraction ?? 0.5;
  const lifetimeMinutes = options.lifetimeMinutes ?? DEFAULT_LIFETIME_MINUTES;
  const renewIntervalMs = options.renewIntervalMs ?? 15 * 60_000;
  const retry = options.retry ?? DEFAULT_RETRY;
  if (!(renewAtFraction > 0 && renewAtFraction < 1))
    throw new RangeError(`renewAtFraction must be between 0 and 1, got ${renewAtFraction}`);
  if (!(lifetimeMinutes > 0 && lifetimeMinutes <= MAX_LIFETIME_MINUTES)) {
    throw new RangeError(
      `lifetimeMinutes must be between 1 and ${MAX_LIFETIME_MINUTES} (Graph's maximum for users and groups), got ${lifetimeMinutes}`,
    );
  }

  const withRetry = <T>(what: string, call: () => Promise<T>): Promise<T> =>
    retryOnRetryLater(call, {
      ...retry,
      onRetry: (error, attempt, delayMs) =>
        logger.warn({ what, attempt, delayMs, err: error }, 'Graph asked us to retry later'),
    });
  const expiryFromNow = (): IsoTime => new Date(now().getTime() + lifetimeMinutes * 60_000).toISOString();

  const mustGet = async (id: string): Promise<StoredSubscription> => {
    const stored = await store.subscriptions.get(id);
    if (stored === null)
      throw new PermanentError(
        'subscription-not-found',
        `No subscription ${id} is known to ra-watch (GET /api/subscriptions lists them).`,
      );
    return stored;
  };

  const create: SubscriptionManager['create'] = async ({ tenantId, resource }) => {
    const urls = notificationUrlsFor(deps.publicBaseUrl);
    if (urls.warning !== null) logger.warn({ notificationUrl: urls.notificationUrl }, urls.warning);
    const clientState = deps.clientStates[0];
    if (clientState === undefined) {
      throw new PermanentError(
        'client-state-missing',
        'CLIENT_STATE is not set: Graph echoes it in every notification and ra-watch drops notifications without it. Set CLIENT_STATE to 32 random characters (e.g. `openssl rand -hex 16`).',
      );
    }
    let info: GraphSubscriptionInfo;
    try {
      info = await withRetry('create subscription', () =>
        graph.create({
          tenantId,
          resource,
          changeType: SUBSCRIPTION_CHANGE_TYPE,
          notificationUrl: urls.notificationUrl,
          lifecycleNotificationUrl: urls.lifecycleNotificationUrl,
          clientState,
          expirationDateTime: expiryFromNow(),
        }),
      );
    } catch (error) {
      throw explainCreateFailure(error, urls.notificationUrl);
    }
    const at = now().toISOString();
    const stored: StoredSubscription = {
      id: info.id,
      tenantId,
      resource: info.resource || resource,
      changeType: info.changeType || SUBSCRIPTION_CHANGE_TYPE,
      notificationUrl: info.notificationUrl || urls.notificationUrl,
      lifecycleNotificationUrl: info.lifecycleNotificationUrl ?? urls.lifecycleNotificationUrl,
      expiresAt: new Date(info.expirationDateTime).toISOString(),
      clientStateRef: 'CLIENT_STATE#1',
      createdAt: at,
      lastRenewedAt: null,
      lastNotificationAt: null,
      status: 'active',
    };
    await store.subscriptions.upsert(stored);
    logger.info(
      { subscriptionId: stored.id, tenantId, resource, expiresAt: stored.expiresAt },
      'subscription created',
    );
    return stored;
  };

  const recreate: SubscriptionManager['recreate'] = async (id, reason) => {
    const old = await mustGet(id);
    await store.subscriptions.upsert({ ...old, status: 'removed' });
    const fresh = await create({
      tenantId: old.tenantId,
      resource: old.resource === 'groups' ? 'groups' : 'users',
    });
    await store.subscriptions.delete(old.id);
    const at = now().toISOString();
    await queue.send([
      {
        messageId: `gap-resync/${fresh.id}`,
        orderingKey: orderingKeyFor(old.tenantId, `subscription/${fresh.id}`),
        body: {
          kind: 'lifecycle',
          tenantId: old.tenantId,
          subscriptionId: fresh.id,
          lifecycleEvent: GAP_RESYNC_EVENT,
          receivedAt: at,
        },
      },
    ]);
    logger.warn(
      { from: old.id, to: fresh.id, tenantId: old.tenantId, reason },
      'subscription recreated; delta resync queued for the gap',
    );
    return fresh;
  };

  const renew: SubscriptionManager['renew'] = async (id) => {
    const stored = await mustGet(id);
    const info = await withRetry('renew subscription', () =>
      graph.renew(stored.tenantId, stored.id, expiryFromNow()),
    );
    if (info === null) {
      const fresh = await recreate(stored.id, 'Graph no longer knows it (404 on renew)');
      return { subscription: fresh, recreatedFrom: stored.id };
    }
    const renewed: StoredSubscription = {
      ...stored,
      expiresAt: new Date(info.expirationDateTime).toISOString(),
      lastRenewedAt: now().toISOString(),
      status: 'active',
    };
    await store.subscriptions.upsert(renewed);
    logger.info({ subscriptionId: id, expiresAt: renewed.expiresAt }, 'subscription renewed');
    return { subscription: renewed, recreatedFrom: null };
  };

  const dueAt: SubscriptionManager['dueAt'] = (subscription) => {
    const start = Date.parse(subscription.lastRenewedAt ?? subscription.createdAt);
    const end = Date.parse(subscription.expiresAt);
    return new Date(start + renewAtFraction * Math.max(0, end - start));
  };

  const renewDue: SubscriptionManager['renewDue'] = async (tenantId) => {
    const result: RenewDueResult = { checked: 0, renewed: [], recreated: [], failed: [] };
    const current = now();
    for (const subscription of await store.subscriptions.list(tenantId)) {
      result.checked++;
      const lapsed = Date.parse(subscription.expiresAt) <= current.getTime();
      if (subscription.status === 'active' && !lapsed && dueAt(subscription).getTime() > current.getTime())
        continue;
      try {
        // A lapsed subscription is already deleted by Graph: renew answers 404 and renew() recreates it.
        const outcome = await renew(subscription.id);
        if (outcome.recreatedFrom === null) result.renewed.push(subscription.id);
        else result.recreated.push({ from: subscription.id, to: outcome.subscription.id });
      } catch (error) {
        result.failed.push({ id: subscription.id, error: describeError(error) });
        logger.error(
          { subscriptionId: subscription.id, err: error, retryLater: error instanceof RetryLaterError },
          'subscription renewal failed; will try again next round',
        );
        if (lapsed && subscription.status === 'active')
          await store.subscriptions.upsert({ ...subscription, status: 'lapsed' }).catch(() => undefined);
      }
    }
    return result;
  };

  const loop = createRenewalLoop({
    store,
    logger,
    now,
    holderId: options.holderId ?? replicaHolderId(),
    intervalMs: renewIntervalMs,
    work: renewDue,
  });

  return {
    create,
    list: (tenantId) => store.subscriptions.list(tenantId),
    get: (id) => store.subscriptions.get(id),
    renew,
    recreate,
    delete: async (id) => {
      const stored = await store.subscriptions.get(id);
      const tenantId = stored?.tenantId;
      if (tenantId === undefined) return false;
      const deletedInGraph = await withRetry('delete subscription', () => graph.delete(tenantId, id));
      await store.subscriptions.delete(id);
      logger.info({ subscriptionId: id, deletedInGraph }, 'subscription deleted');
      return true;
    },
    renewDue,
    dueAt,
    start: () => loop.start(),
    stop: () => loop.stop(),
  };
}

/** Graph's refusals in words an admin can act on (the adapter already names the reason). */
function explainCreateFailure(error: unknown, notificationUrl: string): unknown {
  if (!(error instanceof PermanentError)) return error;
  if (error.reason === 'subscription-quota') {
    return new PermanentError(
      error.reason,
      'Graph refused to create the subscription (403): the subscription quota is reached (100 users or groups subscriptions per ' +
        'app and tenant, 1,000 per tenant across all apps). Delete subscriptions that are no longer needed ' +
        `(GET /api/subscriptions, DELETE /api/subscriptions/:id) or ask which other apps hold them. Graph said: ${error.message}`,
      { cause: error },
    );
  }
  if (error.reason === 'subscription-validation') {
    return new PermanentError(
      error.reason,
      `Graph could not validate ${notificationUrl}: it must answer Graph's POST ?validationToken=... with 200 and the token ` +
        'as text/plain within 10 seconds. Check that PUBLIC_BASE_URL is reachable from the internet (not only from here), ' +
        `that it is https, and that this server is running. Graph said: ${error.message}`,
      { cause: error },
    );
  }
  return error;
}
