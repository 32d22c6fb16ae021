/**
 * A message asking the worker to read one user again now: after an admin changed the registry, the account is
 * judged under its new identity at once rather than at its next change. Coalesces with a read already waiting.
 */
import type { OutgoingMessage } from './queue';
import { orderingKeyFor } from './work-item';

export function userRecheckMessage(tenantId: string, userId: string, at: Date): OutgoingMessage {
  const receivedAt = at.toISOString();
  return {
    messageId: `registry/${tenantId}/${userId}/${receivedAt}`,
    orderingKey: orderingKeyFor(tenantId, userId),
    body: {
      kind: 'user-changed',
      tenantId,
      userId,
      changeType: 'reconcile',
      subscriptionId: null,
      receivedAt,
      source: 'audit',
    },
    coalesce: true,
  };
}
