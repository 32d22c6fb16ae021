/**
 * Change-notification subscriptions, per tenant, with Graph's rules (graph-samples README §4, DOMAIN.md §5):
 * users/groups take only `updated` and `deleted` (`created` → 400); expiry at most 41,760 minutes ahead;
 * 100 per app and tenant (→ 403); creation runs the validation handshake against notificationUrl and
 * lifecycleNotificationUrl and fails with 400 if either answers wrong. A subscription past its expiry is gone:
 * it is neither listed nor delivered to, and renewing it is a 404 (it must be recreated).
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { graphDateTime, subscriptionCreateRequestSchema } from '../wire-schemas';
import { GraphOperationError } from './graph-operation-error';
import { runValidationHandshake } from './validation-handshake';

export const MAX_EXPIRATION_MINUTES = 41_760;
/** The application the simulator pretends the caller is (subscription.applicationId). */
export const SIM_APPLICATION_ID = '3c9f1e27-84b6-4d0a-9f52-1e7a6c0b8d43';
const SIM_CREATOR_ID = 'b5d0e8a2-7c31-4f69-a4e7-0d2c9f1b6e58';

export interface SimSubscription {
  id: string;
  tenantId: string;
  /** `users` or `groups`, normalised; `resourceAsGiven` is echoed back. */
  resource: 'users' | 'groups';
  resourceAsGiven: string;
  changeTypes: Set<string>;
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  clientState: string | null;
  expirationMs: number;
  latestSupportedTlsVersion: string;
}

const patchSchema = z.looseObject({
  expirationDateTime: graphDateTime.optional(),
  notificationUrl: z.string().url().optional(),
});

export interface SubscriptionRegistryOptions {
  validationTimeoutMs: number;
  maxPerTenant: number;
}

export class SubscriptionRegistry {
  private readonly subscriptions = new Map<string, SimSubscription>();

  constructor(private readonly options: SubscriptionRegistryOptions) {}

  async create(tenantId: string, body: unknown): Promise<SimSubscription> {
    const parsed = subscriptionCreateRequestSchema.safeParse(body);
    if (!parsed.success) {
      throw new GraphOperationError(
        400,
        'InvalidRequest',
        `Invalid subscription request: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}.`,
      );
    }
    const request = parsed.data;
    const resource = request.resource.replace(/^\/+/, '').toLowerCase();
    if (resource !== 'users' && resource !== 'groups')
      throw new GraphOperationError(
        400,
        'InvalidRequest',
        `The resource '${request.resource}' is not supported by this simulator (users, groups).`,
      );
    const changeTypes = request.changeType.split(',').map((c) => c.trim());
    for (const changeType of changeTypes) {
      if (changeType !== 'updated' && changeType !== 'deleted')
        throw new GraphOperationError(
          400,
          'InvalidRequest',
          `Invalid 'changeType' attribute: '${changeType}'.`,
        );
    }
    const expirationMs = this.checkExpiration(request.expirationDateTime);
    if (this.active(tenantId).length >= this.options.maxPerTenant)
      throw new GraphOperationError(
        403,
        'ExtensionError',
        `Operation on target ${request.resource} failed: the subscription quota of ${this.options.maxPerTenant} per application and tenant is reached.`,
      );
    for (const url of [request.notificationUrl, request.lifecycleNotificationUrl]) {
      if (url === undefined) continue;
      const result = await runValidationHandshake(url, this.options.validationTimeoutMs);
      if (!result.ok) throw new GraphOperationError(400, 'InvalidRequest', result.message);
    }
    const subscription: SimSubscription = {
      id: randomUUID(),
      tenantId,
      resource,
      resourceAsGiven: request.resource,
      changeTypes: new Set(changeTypes),
      changeType: request.changeType,
      notificationUrl: request.notificationUrl,
      lifecycleNotificationUrl: request.lifecycleNotificationUrl ?? null,
      clientState: request.clientState ?? null,
      expirationMs,
      latestSupportedTlsVersion: request.latestSupportedTlsVersion ?? 'v1_2',
    };
    this.subscriptions.set(subscription.id, subscription);
    return subscription;
  }

  /** A live subscription of this tenant; a lapsed or foreign one is a 404, as Graph no longer knows it. */
  get(tenantId: string, id: string): SimSubscription {
    const subscription = this.subscriptions.get(id.toLowerCase());
    if (!subscription || subscription.tenantId !== tenantId || subscription.expirationMs <= Date.now()) {
      if (subscription && subscription.expirationMs <= Date.now()) this.subscriptions.delete(subscription.id);
      throw new GraphOperationError(
        404,
        'ResourceNotFound',
        `The object was not found: subscription '${id}'.`,
      );
    }
    return subscription;
  }

  /** Renewal (`expirationDateTime`) and moving the notificationUrl; the lifecycle URL can only be set at creation. */
  patch(tenantId: string, id: string, body: unknown): SimSubscription {
    const subscription = this.get(tenantId, id);
    const parsed = patchSchema.safeParse(body);
    if (!parsed.success)
      throw new GraphOperationError(
        400,
        'InvalidRequest',
        `Invalid subscription update: ${parsed.error.issues.map((i) => i.message).join('; ')}.`,
      );
    if ('lifecycleNotificationUrl' in parsed.data)
      throw new GraphOperationError(
        400,
        'InvalidRequest',
        'lifecycleNotificationUrl cannot be updated; it must be set when the subscription is created.',
      );
    if (parsed.data.expirationDateTime !== undefined)
      subscription.expirationMs = this.checkExpiration(parsed.data.expirationDateTime);
    if (parsed.data.notificationUrl !== undefined) subscription.notificationUrl = parsed.data.notificationUrl;
    return subscription;
  }

  delete(tenantId: string, id: string): void {
    const subscription = this.get(tenantId, id);
    this.subscriptions.delete(subscription.id);
  }

  /** Lapse now (tests and the faults scenario): the subscription is gone as if its expiry had passed. */
  expire(id: string): void {
    const subscription = this.subscriptions.get(id.toLowerCase());
    if (subscription) subscription.expirationMs = Date.now() - 1;
  }

  remove(id: string): void {
    this.subscriptions.delete(id.toLowerCase());
  }

  active(tenantId: string, resource?: 'users' | 'groups'): SimSubscription[] {
    const now = Date.now();
    return [...this.subscriptions.values()].filter(
      (s) =>
        s.tenantId === tenantId &&
        s.expirationMs > now &&
        (resource === undefined || s.resource === resource),
    );
  }

  /** Any subscription, lapsed or not (lifecycle notifications about a lapsing one still need its URL). */
  find(id: string): SimSubscription | undefined {
    return this.subscriptions.get(id.toLowerCase());
  }

  private checkExpiration(value: string): number {
    const ms = Date.parse(value);
    const now = Date.now();
    if (ms <= now)
      throw new GraphOperationError(
        400,
        'InvalidRequest',
        'Subscription expiration date must be in the future.',
      );
    if (ms > now + MAX_EXPIRATION_MINUTES * 60_000)
      throw new GraphOperationError(
        400,
        'InvalidRequest',
        `Subscription expiration can only be ${MAX_EXPIRATION_MINUTES} minutes in the future.`,
      );
    return ms;
  }
}

/** The subscription as Graph returns it (subscription-create-response.json), every member present. */
export function subscriptionWire(subscription: SimSubscription): Record<string, unknown> {
  return {
    id: subscription.id,
    resource: subscription.resourceAsGiven,
    applicationId: SIM_APPLICATION_ID,
    changeType: subscription.changeType,
    clientState: subscription.clientState,
    notificationUrl: subscription.notificationUrl,
    notificationQueryOptions: null,
    lifecycleNotificationUrl: subscription.lifecycleNotificationUrl,
    expirationDateTime: new Date(subscription.expirationMs).toISOString(),
    creatorId: SIM_CREATOR_ID,
    includeResourceData: null,
    latestSupportedTlsVersion: subscription.latestSupportedTlsVersion,
    encryptionCertificate: null,
    encryptionCertificateId: null,
    notificationUrlAppId: null,
  };
}
