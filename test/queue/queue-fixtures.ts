/** Message builders for the queue's contract suites. */
import type { OutgoingMessage } from '../../src/queue/queue';
import { orderingKeyFor, type WorkItem } from '../../src/queue/work-item';

export function userChanged(userId: string, receivedAt = '2026-01-01T00:00:00.000Z'): WorkItem {
  return {
    kind: 'user-changed',
    tenantId: 'tenant-1',
    userId,
    changeType: 'updated',
    subscriptionId: 'sub-1',
    receivedAt,
    source: 'notification',
  };
}

export function message(id: string, key: string, extra: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return { messageId: id, orderingKey: key, body: userChanged(key, id), ...extra };
}

/** One user's change in a named tenant, keyed as every sender keys it (`orderingKeyFor`). */
export function tenantChange(tenantId: string, userId: string): OutgoingMessage {
  return {
    messageId: `${tenantId}-${userId}`,
    orderingKey: orderingKeyFor(tenantId, userId),
    body: { ...userChanged(userId), tenantId },
  };
}
