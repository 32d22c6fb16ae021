/**
 * A group changed (membership, or the licenses it carries). Group-based licensing changes users' licenses without
 * touching the users, so each member Graph named is queued for a read of its own, through the same path as a user
 * notification: coalescing merges it with a read of that user already waiting.
 *
 * Group-based licensing is applied asynchronously, after the membership change: each member is also read again later
 * (`groupLicenseRecheckMs`, scheduled messages), so a license that lands a minute after the notification is seen.
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
  const now = ctx.now().getTime();
  const read = (userId: string, recheck: number | null, notBefore?: Date): OutgoingMessage => ({
    // Deterministic: a redelivered group message fans out to the same ids, stored once while they wait.
    messageId:
      `group-member:${message.messageId}:${userId}${recheck === null ? '' : `:recheck-${recheck}`}`.toLowerCase(),
    orderingKey: orderingKeyFor(item.tenantId, userId),
    // A scheduled re-read never coalesces: merged into (or with) a read waiting now, it would run now, not later.
    coalesce: recheck === null,
    body: {
      kind: 'user-changed',
      tenantId: item.tenantId,
      userId,
      changeType: 'updated',
      subscriptionId: item.subscriptionId,
      receivedAt: item.receivedAt,
      source: 'notification',
    },
    ...(notBefore === undefined ? {} : { notBefore }),
  });
  // Group-based licensing applies the group's licenses in the background, after the membership change the
  // notification is about (Entra: "Resolve group license assignment problems"); a read now may see the member
  // without them. The schedule's re-reads catch the licenses when they land.
  const rechecks = ctx.settings.groupLicenseRecheckMs;
  const messages: OutgoingMessage[] = members.flatMap((userId) => [
    read(userId, null),
    ...rechecks.map((afterMs, index) => read(userId, index + 1, new Date(now + afterMs))),
  ]);
  const result = await ctx.queue.send(messages);
  ctx.logger.info(
    {
      tenantId: item.tenantId,
      groupId: item.groupId,
      members: members.length,
      rechecksAfterMs: rechecks,
      ...result,
    },
    'group changed: a read of each member queued, and re-reads for the group licenses that apply later',
  );
}
