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
import type { GraphSubscriptions } from '../graph/graph-subscriptions';
import type { Logger } from '../logger';
import type { Queue } from '../queue/queue';
import { orderingKeyFor } from '../queue/work-item';
import type { Store, StoredSubscription } from '../store/store';
import { replicaHolderId } from '../background/per-tenant-job';
import { stableFraction } from '../stable-fraction';
import { createSubscriptionCreator, type SubscriptionResource } from './create-subscription';
import { REAUTHORIZE_UPDATE_GAP_MS, renewedWithin } from './reauthorize-window';
import { createRenewalLoop } from './renewal-loop';
import { DEFAULT_RETRY, retryOnRetryLater, type RetryLaterOptions } from './retry-later';

/** Graph's maximum for users and groups (DOMAIN.md §5). */
export const MAX_LIFETIME_MINUTES = 41_760;
/**
 * One hour under the maximum: Graph refuses an expiry beyond its maximum with a 400, and our clock, the request's
 * time in flight and Graph's clock need not agree to the second. An hour costs nothing at a 29-day lifetime.
 */
export const DEFAULT_LIFETIME_MINUTES = MAX_LIFETIME_MINUTES - 60;
/**
 * How much earlier than the full lifetime a subscription may be asked to expire, per subscription (issue 19). 200
 * tenants onboarded in a minute would otherwise all expire, and fall due for renewal, within that minute, 14.5 days
 * later. Each subscription (tenant + resource) takes a stable share of this, so the expiries spread over a day and
 * the renewals (half-way through the life) over 12 hours, and they stay apart after each renewal. Always shorter
 * than the lifetime asked for, never longer: Graph refuses an expiry beyond its maximum (DOMAIN.md §7).
 */
export const DEFAULT_EXPIRY_SPREAD_MINUTES = 24 * 60;
/**
 * The gap left by a lapsed or removed subscription is covered the way Graph's own `missed` lifecycle event is: a
 * `lifecycle` work item the worker hands to the lifecycle handler, which runs a delta resync. Queued (durable), so a
 * crash right after recreating still resyncs.
 */
export const GAP_RESYNC_EVENT = 'missed';

export { SUBSCRIPTION_CHANGE_TYPE, type SubscriptionResource } from './create-subscription';

export interface SubscriptionManagerOptions {
  /** Renew once this fraction of a subscription's life has passed (0 < f < 1). Default 0.5. */
  renewAtFraction?: number;
  /** Lifetime asked for on create and renew, at most 41,760. Default 41,700 (see DEFAULT_LIFETIME_MINUTES). */
  lifetimeMinutes?: number;
  /**
   * Up to how many minutes under `lifetimeMinutes` each subscription's expiry is set (a stable share per tenant and
   * resource, so renewals spread). Default DEFAULT_EXPIRY_SPREAD_MINUTES, at most a twentieth of the lifetime.
   */
  expirySpreadMinutes?: number;
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
  /**
   * Told how each create (after its retries) and each tenant's renewal round went, null when it worked
   * (`watch.blind`, issue 19 item 5; tenants/watch-blind-subscription.ts). A renewal throttled while the subscription
   * still lives is not reported (the next round retries). Its own failure is logged, never thrown.
   */
  onTenantSubscribe?: (tenantId: TenantId, step: 'create' | 'renew', error: unknown) => Promise<void>;
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

/**
 * The lifetime to ask for a subscription of `resource` in `tenantId`: `lifetimeMinutes` less its stable share of
 * `spreadMinutes` (the same on every replica and at every renewal, different per tenant and resource).
 */
export function spreadLifetimeMinutes(
  tenantId: TenantId,
  resource: string,
  lifetimeMinutes: number,
  spreadMinutes: number,
): number {
  const key = `expiry/${tenantId.toLowerCase()}/${resource.replace(/^\//, '').toLowerCase()}`;
  return lifetimeMinutes - stableFraction(key) * spreadMinutes;
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
  const expirySpreadMinutes = Math.min(
    options.expirySpreadMinutes ?? DEFAULT_EXPIRY_SPREAD_MINUTES,
    lifetimeMinutes / 20,
  );
  if (!(expirySpreadMinutes >= 0))
    throw new RangeError(`expirySpreadMinutes must not be negative, got ${expirySpreadMinutes}`);
  const expiryFromNow = (tenantId: TenantId, resource: string): IsoTime => {
    const minutes = spreadLifetimeMinutes(tenantId, resource, lifetimeMinutes, expirySpreadMinutes);
    return new Date(now().getTime() + Math.round(minutes * 60_000)).toISOString();
  };
  const mustGet = async (id: string): Promise<StoredSubscription> => {
    const stored = await store.subscriptions.get(id);
    if (stored === null)
      throw new PermanentError(
        'subscription-not-found',
        `No subscription ${id} is known to ra-watch (GET /api/subscriptions lists them).`,
      );
    return stored;
  };

  const tell = async (tenantId: TenantId, step: 'create' | 'renew', error: unknown): Promise<void> => {
    await deps
      .onTenantSubscribe?.(tenantId, step, error)
      .catch((failure: unknown) =>
        logger.error({ tenantId, err: describeError(failure) }, 'could not record how subscribing went'),
      );
  };

  const createUntold = createSubscriptionCreator({
    store,
    graph,
    logger,
    publicBaseUrl: deps.publicBaseUrl,
    clientStates: deps.clientStates,
    now,
    expiryFromNow,
    withRetry,
  });
  const create: SubscriptionManager['create'] = async (request) => {
    try {
      const created = await createUntold(request);
      await tell(request.tenantId, 'create', null);
      return created;
    } catch (error) {
      await tell(request.tenantId, 'create', error);
      throw error;
    }
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

  // renewDue tells per tenant once its round is done (one failing subscription is not cleared by another renewing).
  const renewUntold: SubscriptionManager['renew'] = async (id) => {
    const stored = await mustGet(id);
    const info = await withRetry('renew subscription', () =>
      graph.renew(stored.tenantId, stored.id, expiryFromNow(stored.tenantId, stored.resource)),
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

  const renew: SubscriptionManager['renew'] = async (id) => {
    const stored = await mustGet(id);
    try {
      const outcome = await renewUntold(id);
      await tell(stored.tenantId, 'renew', null);
      return outcome;
    } catch (error) {
      if (!(error instanceof RetryLaterError)) await tell(stored.tenantId, 'renew', error);
      throw error;
    }
  };

  const dueAt: SubscriptionManager['dueAt'] = (subscription) => {
    const start = Date.parse(subscription.lastRenewedAt ?? subscription.createdAt);
    const end = Date.parse(subscription.expiresAt);
    return new Date(start + renewAtFraction * Math.max(0, end - start));
  };

  const renewDue: SubscriptionManager['renewDue'] = async (tenantId) => {
    const result: RenewDueResult = { checked: 0, renewed: [], recreated: [], failed: [] };
    const current = now();
    // Per tenant: the first failure that counts (see onTenantSubscribe), or null when a renewal worked.
    const outcomes = new Map<TenantId, unknown>();
    for (const subscription of await store.subscriptions.list(tenantId)) {
      result.checked++;
      const lapsed = Date.parse(subscription.expiresAt) <= current.getTime();
      if (subscription.status === 'active' && !lapsed && dueAt(subscription).getTime() > current.getTime())
        continue;
      // Renewed (so reauthorized) less than 10 minutes ago, by a reauthorizationRequired: leave it to the next round.
      if (!lapsed && renewedWithin(subscription.lastRenewedAt, current, REAUTHORIZE_UPDATE_GAP_MS)) continue;
      try {
        // A lapsed subscription is already deleted by Graph: renew answers 404 and renew() recreates it.
        const outcome = await renewUntold(subscription.id);
        if (!outcomes.has(subscription.tenantId)) outcomes.set(subscription.tenantId, null);
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
        if (
          (lapsed || !(error instanceof RetryLaterError)) &&
          (outcomes.get(subscription.tenantId) ?? null) === null
        )
          outcomes.set(subscription.tenantId, error);
      }
    }
    for (const [tenant, error] of outcomes) await tell(tenant, 'renew', error);
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
