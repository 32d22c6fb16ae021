/**
 * The Graph subscriptions port: create, renew, reauthorize, delete and list change-notification subscriptions.
 * The adapter (`graph/client/graph-subscriptions-client.ts`) speaks to Graph; the subscription manager
 * (`src/subscriptions/`) decides when to call it.
 *
 * Errors: Graph's refusals are explained, not dumped (`PermanentError` with reason `subscription-quota` for the
 * 403 quota, `subscription-validation` when Graph could not validate our notification URL); throttling that outlasts
 * the client's retries is `RetryLaterError`. A subscription Graph no longer knows is `null` / `false`, not an error.
 */
import type { IsoTime, TenantId } from '../glossary';

export interface GraphSubscriptionRequest {
  tenantId: TenantId;
  /** `users` or `groups`. */
  resource: string;
  /** Users and groups accept only `updated,deleted` (`created` is a 400). */
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  /** The secret Graph echoes; never logged. */
  clientState: string;
  expirationDateTime: IsoTime;
}

/** A subscription as Graph reports it (never carries our clientState back out of the adapter). */
export interface GraphSubscriptionInfo {
  id: string;
  resource: string;
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  expirationDateTime: IsoTime;
}

export interface GraphSubscriptions {
  create(request: GraphSubscriptionRequest): Promise<GraphSubscriptionInfo>;
  /** New expiry; null when Graph no longer knows the subscription (404): recreate it. */
  renew(tenantId: TenantId, id: string, expirationDateTime: IsoTime): Promise<GraphSubscriptionInfo | null>;
  /** After `reauthorizationRequired`. false when Graph no longer knows the subscription. */
  reauthorize(tenantId: TenantId, id: string): Promise<boolean>;
  /** false when it was already gone (404). */
  delete(tenantId: TenantId, id: string): Promise<boolean>;
  list(tenantId: TenantId): Promise<GraphSubscriptionInfo[]>;
}
