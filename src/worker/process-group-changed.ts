/**
 * A group changed (membership, or the licenses it carries). Group-based licensing changes users' licenses without
 * touching the users, so each member Graph named is queued for a read of its own, through the same path as a user
 * notification: coalescing merges it with a read of that user already waiting.
 *
 * A notification without `members@delta` names nobody; the users delta reconcile (which sees `assignedLicenses`
 * change on every member) is what catches those.
 */
import { orderingKeyFor, type GroupChanged } from '../queue/work-item';
import type { OutgoingMessage } from '../queue/queue';
import type { LeasedMessage } from '../queue/queue';
import type { WorkerContext } from './worker-context';

export async function processGroupChanged(
  ctx: WorkerContext,
  item: GroupChanged,
  message: LeasedMessage,
): Promise<void> {
  const members = [...new Set(item.memberIds)];
  if (members.length === 0) {
    ctx.logger.info(
      { tenantId: item.tenantId, groupId: item.groupId, changeType: item.changeType },
      'group changed without a member list: its members are covered by the users delta reconcile',
    );
    return;
  }
  const messages: OutgoingMessage[] = members.map((userId) => ({
    // Deterministic: a redelivered group message fans out to the same ids, stored once while they wait.
    messageId: `group-member:${message.messageId}:${userId}`.toLowerCase(),
    orderingKey: orderingKeyFor(item.tenantId, userId),
    coalesce: true,
    body: {
      kind: 'user-changed',
      tenantId: item.tenantId,
      userId,
      changeType: 'updated',
      subscriptionId: item.subscriptionId,
      receivedAt: item.receivedAt,
      source: 'notification',
    },
  }));
  const result = await ctx.queue.send(messages);
  ctx.logger.info(
    { tenantId: item.tenantId, groupId: item.groupId, members: members.length, ...result },
    'group changed: a read of each member queued',
  );
}
