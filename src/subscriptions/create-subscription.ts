/**
 * Creating a subscription, which is not idempotent (Graph webhooks limits; DOMAIN.md §7): a POST /subscriptions whose
 * answer was lost (a timeout, a dropped connection, a 5xx) may have created a live subscription that nobody knows.
 * Sending the POST again would make a second one, doubling every delivery and spending one of the 100 users/groups
 * subscriptions per app and tenant. So after such a failure the tenant's subscriptions are listed first: one that
 * matches resource + notificationUrl and that ra-watch does not already hold is adopted, further ones are deleted,
 * and only when none is there is the POST sent again (issue 17 item 5).
 */
import { OutcomeUnknownError, PermanentError } from '../errors';
import type { IsoTime, TenantId } from '../glossary';
import type { GraphSubscriptionInfo, GraphSubscriptions } from '../graph/graph-subscriptions';
import type { Logger } from '../logger';
import type { Store, StoredSubscription } from '../store/store';
import { notificationUrlsFor } from './notification-urls';

/** Users and groups accept only these (`created` is a 400). */
export const SUBSCRIPTION_CHANGE_TYPE = 'updated,deleted';

export type SubscriptionResource = 'users' | 'groups';

export interface CreateSubscriptionDeps {
  store: Store;
  graph: GraphSubscriptions;
  logger: Logger;
  publicBaseUrl: string | null;
  clientStates: string[];
  now: () => Date;
  /** The expiry to ask for, spread per tenant and resource (subscription-manager.ts). */
  expiryFromNow: (tenantId: TenantId, resource: SubscriptionResource) => IsoTime;
  withRetry: <T>(what: string, call: () => Promise<T>) => Promise<T>;
}

export function createSubscriptionCreator(
  deps: CreateSubscriptionDeps,
): (request: { tenantId: TenantId; resource: SubscriptionResource }) => Promise<StoredSubscription> {
  const { store, graph, logger, now } = deps;

  /** After a lost answer: the subscription it may have made, adopted; duplicates deleted. null when there is none. */
  const adoptLost = async (
    tenantId: TenantId,
    resource: SubscriptionResource,
    notificationUrl: string,
  ): Promise<GraphSubscriptionInfo | null> => {
    const held = new Set(
      (await store.subscriptions.list(tenantId)).filter((s) => s.status !== 'removed').map((s) => s.id),
    );
    const matching = (await graph.list(tenantId))
      .filter(
        (s) =>
          !held.has(s.id) &&
          s.resource.replace(/^\//, '').toLowerCase() === resource &&
          s.notificationUrl === notificationUrl,
      )
      // The one that lives longest is kept: it is the newest.
      .sort((a, b) => Date.parse(b.expirationDateTime) - Date.parse(a.expirationDateTime));
    const [keep, ...extras] = matching;
    for (const extra of extras) {
      const deleted = await graph.delete(tenantId, extra.id);
      logger.warn(
        { tenantId, subscriptionId: extra.id, deleted },
        'duplicate subscription for the same resource and URL deleted',
      );
    }
    if (keep !== undefined) {
      logger.warn(
        { tenantId, subscriptionId: keep.id, resource, duplicatesDeleted: extras.length },
        'POST /subscriptions lost its answer; the subscription it created was found and adopted',
      );
    }
    return keep ?? null;
  };

  return async ({ tenantId, resource }) => {
    const urls = notificationUrlsFor(deps.publicBaseUrl);
    if (urls.warning !== null) logger.warn({ notificationUrl: urls.notificationUrl }, urls.warning);
    const clientState = deps.clientStates[0];
    if (clientState === undefined) {
      throw new PermanentError(
        'client-state-missing',
        'CLIENT_STATE is not set: Graph echoes it in every notification and ra-watch drops notifications without it. Set CLIENT_STATE to 32 random characters (e.g. `openssl rand -hex 16`).',
      );
    }
    let lostBefore = false;
    let info: GraphSubscriptionInfo;
    try {
      info = await deps.withRetry('create subscription', async () => {
        if (lostBefore) {
          const adopted = await adoptLost(tenantId, resource, urls.notificationUrl);
          if (adopted !== null) return adopted;
        }
        try {
          return await graph.create({
            tenantId,
            resource,
            changeType: SUBSCRIPTION_CHANGE_TYPE,
            notificationUrl: urls.notificationUrl,
            lifecycleNotificationUrl: urls.lifecycleNotificationUrl,
            clientState,
            expirationDateTime: deps.expiryFromNow(tenantId, resource),
          });
        } catch (error) {
          if (error instanceof OutcomeUnknownError) lostBefore = true;
          throw error;
        }
      });
    } catch (error) {
      // Out of retries after a lost answer: one last look, so a subscription made by the last try is not orphaned.
      const adopted = lostBefore
        ? await adoptLost(tenantId, resource, urls.notificationUrl).catch(() => null)
        : null;
      if (adopted === null) throw explainCreateFailure(error, urls.notificationUrl);
      info = adopted;
    }
    const stored: StoredSubscription = {
      id: info.id,
      tenantId,
      resource: info.resource || resource,
      changeType: info.changeType || SUBSCRIPTION_CHANGE_TYPE,
      notificationUrl: info.notificationUrl || urls.notificationUrl,
      lifecycleNotificationUrl: info.lifecycleNotificationUrl ?? urls.lifecycleNotificationUrl,
      expiresAt: new Date(info.expirationDateTime).toISOString(),
      clientStateRef: 'CLIENT_STATE#1',
      createdAt: now().toISOString(),
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
