/**
 * The GraphSubscriptions port (graph-subscriptions.ts) over Graph v1.0 `/subscriptions`.
 *
 * Graph's refusals are explained in words an admin can act on: creating a subscription makes Graph call our
 * notificationUrl first (the validation handshake), so a 400 "validation" failure nearly always means the URL is not
 * reachable from the internet; a 403 is either the subscription quota (users/groups: 100 per app per tenant, 1,000
 * per tenant across all apps) or a missing permission. clientState is sent, never logged, never handed back.
 */
import { z } from 'zod';
import { OutcomeUnknownError, PermanentError } from '../../errors';
import type { IsoTime, TenantId } from '../../glossary';
import type { Logger } from '../../logger';
import type {
  GraphSubscriptionInfo,
  GraphSubscriptionRequest,
  GraphSubscriptions,
} from '../graph-subscriptions';
import { graphSubscriptionSchema, type GraphSubscription } from '../wire-schemas';
import { graphErrorOf, parseGraphBody, unexpectedAnswer, type GraphAnswer } from './graph-error';
import { createGraphHttp } from './graph-http';
import type { RetryOptions } from './retry-policy';
import type { GraphTrafficObserver } from './graph-traffic';
import type { TokenProvider } from './credential';

export interface GraphSubscriptionsOptions {
  baseUrl: string;
  tokenProvider: TokenProvider;
  logger: Logger;
  retry?: Partial<RetryOptions>;
  /** Told of every Graph answer and throttle (metrics). */
  observer?: GraphTrafficObserver;
  /** Above Graph's 10 s validation handshake: create waits for Graph to call us back. */
  requestTimeoutMs?: number;
}

const subscriptionListSchema = z.looseObject({
  value: z.array(graphSubscriptionSchema),
  '@odata.nextLink': z.string().optional(),
});
const MAX_LIST_PAGES = 20;

export function createGraphSubscriptions(options: GraphSubscriptionsOptions): GraphSubscriptions {
  const logger = options.logger.child({ component: 'graph-subscriptions' });
  const http = createGraphHttp({
    baseUrl: options.baseUrl,
    tokenProvider: options.tokenProvider,
    logger: options.logger,
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    ...(options.observer === undefined ? {} : { observer: options.observer }),
  });

  async function create(request: GraphSubscriptionRequest): Promise<GraphSubscriptionInfo> {
    const body = {
      changeType: request.changeType,
      notificationUrl: request.notificationUrl,
      ...(request.lifecycleNotificationUrl === null
        ? {}
        : { lifecycleNotificationUrl: request.lifecycleNotificationUrl }),
      resource: request.resource,
      expirationDateTime: request.expirationDateTime,
      clientState: request.clientState,
      latestSupportedTlsVersion: 'v1_2',
    };
    // Not idempotent: a lost answer may hide a live subscription, so the manager looks before asking again.
    const answer = await http.send(request.tenantId, {
      method: 'POST',
      path: '/subscriptions',
      body,
      notIdempotent: true,
    });
    if (answer.status !== 201 && answer.status !== 200) throw createRefusal(answer, request);
    const info = toInfo(parseGraphBody(graphSubscriptionSchema, answer.body, answer.what));
    logger.info(
      {
        tenantId: request.tenantId,
        subscriptionId: info.id,
        resource: info.resource,
        expires: info.expirationDateTime,
      },
      'graph subscription created',
    );
    return info;
  }

  async function renew(
    tenantId: TenantId,
    id: string,
    expirationDateTime: IsoTime,
  ): Promise<GraphSubscriptionInfo | null> {
    const answer = await http.send(tenantId, {
      method: 'PATCH',
      path: `/subscriptions/${encodeURIComponent(id)}`,
      body: { expirationDateTime },
    });
    if (answer.status === 404) return null;
    if (answer.status !== 200) throw unexpectedAnswer(answer, null);
    return toInfo(parseGraphBody(graphSubscriptionSchema, answer.body, answer.what));
  }

  async function reauthorize(tenantId: TenantId, id: string): Promise<boolean> {
    const answer = await http.send(tenantId, {
      method: 'POST',
      path: `/subscriptions/${encodeURIComponent(id)}/reauthorize`,
    });
    if (answer.status === 404) return false;
    if (answer.status < 200 || answer.status > 299) throw unexpectedAnswer(answer, null);
    return true;
  }

  async function remove(tenantId: TenantId, id: string): Promise<boolean> {
    const answer = await http.send(tenantId, {
      method: 'DELETE',
      path: `/subscriptions/${encodeURIComponent(id)}`,
    });
    if (answer.status === 404) return false;
    if (answer.status < 200 || answer.status > 299) throw unexpectedAnswer(answer, null);
    return true;
  }

  async function list(tenantId: TenantId): Promise<GraphSubscriptionInfo[]> {
    const found: GraphSubscriptionInfo[] = [];
    let path: string | null = '/subscriptions';
    for (let page = 0; path !== null; page++) {
      if (page >= MAX_LIST_PAGES)
        throw new PermanentError(
          'graph-shape',
          `GET /subscriptions did not end after ${MAX_LIST_PAGES} pages`,
        );
      const answer = await http.send(tenantId, { method: 'GET', path });
      if (answer.status !== 200) throw unexpectedAnswer(answer, null);
      const body = parseGraphBody(subscriptionListSchema, answer.body, answer.what);
      found.push(...body.value.map(toInfo));
      path = body['@odata.nextLink'] ?? null;
    }
    return found;
  }

  return { create, renew, reauthorize, delete: remove, list };
}

/** Our view of a subscription: Graph's clientState stays inside the adapter. */
function toInfo(subscription: GraphSubscription): GraphSubscriptionInfo {
  return {
    id: subscription.id,
    resource: subscription.resource,
    changeType: subscription.changeType,
    notificationUrl: subscription.notificationUrl,
    lifecycleNotificationUrl: subscription.lifecycleNotificationUrl ?? null,
    expirationDateTime: new Date(Date.parse(subscription.expirationDateTime)).toISOString(),
  };
}

function createRefusal(answer: GraphAnswer, request: GraphSubscriptionRequest): Error {
  const { code, message } = graphErrorOf(answer.body);
  const said = `${answer.status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`;
  const text = `${code ?? ''} ${message ?? ''}`;
  if (answer.status === 400 && /validat|notification endpoint|notificationurl/i.test(text)) {
    return new PermanentError(
      'subscription-validation',
      `Graph could not validate ${request.notificationUrl}: make PUBLIC_BASE_URL reachable from the internet (Graph POSTs a validationToken there and needs the token back, as text/plain, within 10 s). Graph said: ${said}`,
    );
  }
  if (answer.status === 403 && /quota|maximum|limit|too many|exceed/i.test(text)) {
    return new PermanentError(
      'subscription-quota',
      `Graph refused a new ${request.resource} subscription: the subscription quota is reached (for users and groups: 100 per app per tenant, 1,000 per tenant across all apps). Delete subscriptions that are no longer used (\`ra-watch subscriptions list\` / \`delete\`). Graph said: ${said}`,
    );
  }
  if (answer.status >= 500) {
    return new OutcomeUnknownError(
      `Graph failed on POST /subscriptions (${said}): the subscription may exist all the same`,
      5_000,
    );
  }
  if (answer.status === 403) {
    const permission = /^groups/i.test(request.resource) ? 'Group.Read.All' : 'User.Read.All';
    return new PermanentError(
      'graph-forbidden',
      `Graph refused a new ${request.resource} subscription (${said}). The app needs the application permission ${permission} with admin consent; if it has it, the subscription quota (100 per app per tenant, 1,000 per tenant) may be reached.`,
    );
  }
  return unexpectedAnswer(answer, null);
}
