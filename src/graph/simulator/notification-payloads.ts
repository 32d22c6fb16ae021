/**
 * The bodies' items, exactly as the samples show them: users (notification-users-updated.json), groups with
 * `members@delta` (notification-users-multiple.json), and the three lifecycle events, each in the shape it was seen
 * in (reauthorizationRequired as captured in the wild with `organizationId`; the other two as documented).
 */
import type { LifecycleEvent } from '../wire-schemas';
import { offsetTime, pacificOffsetTime, sevenDigitTime } from './graph-time';
import type { SimSubscription } from './subscription-registry';

export function userChangeNotification(
  subscription: SimSubscription,
  userId: string,
  changeType: 'updated' | 'deleted',
): Record<string, unknown> {
  return {
    changeType,
    clientState: subscription.clientState,
    resource: `Users/${userId}`,
    resourceData: {
      '@odata.type': '#Microsoft.Graph.User',
      '@odata.id': `Users/${userId}`,
      id: userId,
      organizationId: subscription.tenantId,
    },
    subscriptionExpirationDateTime: offsetTime(subscription.expirationMs),
    subscriptionId: subscription.id,
    tenantId: subscription.tenantId,
  };
}

/** .NET ticks, like the captured `sequenceNumber` (a JSON number above 2^53: receivers must not rely on it). */
function ticks(ms: number): number {
  return ms * 10_000 + 621_355_968_000_000_000;
}

export function groupChangeNotification(
  subscription: SimSubscription,
  groupId: string,
  memberId: string,
  removed: boolean,
): Record<string, unknown> {
  const now = Date.now();
  return {
    changeType: 'updated',
    clientState: subscription.clientState,
    resource: `Groups/${groupId}`,
    resourceData: {
      '@odata.type': '#Microsoft.Graph.Group',
      '@odata.id': `Groups/${groupId}`,
      id: groupId,
      organizationId: subscription.tenantId,
      eventTime: sevenDigitTime(now),
      sequenceNumber: ticks(now),
      // The shape of members@delta is UNCONFIRMED (README §1); a removal is marked like delta's @removed.
      'members@delta': [removed ? { id: memberId, '@removed': { reason: 'deleted' } } : { id: memberId }],
    },
    subscriptionExpirationDateTime: offsetTime(subscription.expirationMs),
    subscriptionId: subscription.id,
    tenantId: subscription.tenantId,
  };
}

export function lifecycleNotification(
  subscription: SimSubscription,
  event: LifecycleEvent,
): Record<string, unknown> {
  if (event === 'reauthorizationRequired') {
    return {
      lifecycleEvent: event,
      subscriptionId: subscription.id,
      resource: `Subscriptions/${subscription.id}`,
      clientState: subscription.clientState,
      sequence: null,
      resourceData: {
        '@odata.type': '#microsoft.graph.subscription',
        '@odata.id': `subscriptions/${subscription.id}`,
        id: subscription.id,
      },
      encryptedContent: null,
      organizationId: subscription.tenantId,
      subscriptionExpirationDateTime: pacificOffsetTime(subscription.expirationMs),
    };
  }
  return {
    subscriptionId: subscription.id,
    subscriptionExpirationDateTime: sevenDigitTime(subscription.expirationMs),
    tenantId: subscription.tenantId,
    clientState: subscription.clientState,
    lifecycleEvent: event,
  };
}
