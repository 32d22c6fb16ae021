/**
 * Turns one validated Graph notification into the queue message the worker will handle (src/queue/work-item.ts).
 *
 * - Users → `user-changed` (source `notification`), ordering key tenant + user id, coalescing: one waiting read of
 *   the user covers every change made before it runs (Queue port).
 * - Groups → `group-changed` with the `members@delta` ids, ordering key tenant + group id. Coalescing only when
 *   Graph named no members: the queue keeps the waiting message's body, so merging a notification that names other
 *   members would lose those users (group-based licensing, DOMAIN.md scenario 8). The member ids go into the
 *   message id, so Graph's retries of the same delivery still collapse as duplicates.
 * - Lifecycle → `lifecycle`, ordering key tenant + subscription id, never coalesced (each event asks for an action).
 *
 * The tenant is `tenantId`, or `organizationId` where Graph sends that instead (lifecycle notifications in the
 * wild, and `resourceData.organizationId` on every change notification).
 */
import { z } from 'zod';
import type { ChangeNotification, LifecycleNotification } from '../graph/wire-schemas';
import type { OutgoingMessage } from '../queue/queue';
import { orderingKeyFor, type GroupChanged, type LifecycleWork, type UserChanged } from '../queue/work-item';
import { notificationMessageId } from './message-id';

export type MappedNotification = { ok: true; message: OutgoingMessage } | { ok: false; message: string };

/** "Users/{id}", "users/{id}", "Users('{id}')", "/users/{id}": the resource kind and, when present, the id. */
const resourcePattern = /^\/?(users|groups)(?:\/|\(')([^/')]*)/i;

// The shape of members@delta is UNCONFIRMED (graph-samples/README.md §1): take the ids we can read and ignore the
// rest rather than refuse a delivery Graph would then retry for hours.
const membersDeltaSchema = z.array(z.looseObject({ id: z.string().min(1) }));

function resourceKind(
  notification: ChangeNotification,
): { kind: 'users' | 'groups'; id: string | undefined } | null {
  const match = resourcePattern.exec(notification.resource);
  if (match !== null) {
    const kind = match[1]!.toLowerCase() === 'users' ? 'users' : 'groups';
    return { kind, id: match[2] === '' ? undefined : match[2] };
  }
  const odataType = notification.resourceData?.['@odata.type']?.toLowerCase();
  if (odataType === '#microsoft.graph.user') return { kind: 'users', id: undefined };
  if (odataType === '#microsoft.graph.group') return { kind: 'groups', id: undefined };
  return null;
}

function memberIds(resourceData: ChangeNotification['resourceData']): string[] {
  const parsed = membersDeltaSchema.safeParse(resourceData?.['members@delta']);
  return parsed.success ? parsed.data.map((m) => m.id) : [];
}

function nonEmpty(...candidates: Array<string | null | undefined>): string | undefined {
  return candidates.find((c): c is string => typeof c === 'string' && c.length > 0);
}

export function changeToMessage(
  notification: ChangeNotification,
  index: number,
  receivedAt: string,
): MappedNotification {
  const tenantId = nonEmpty(notification.tenantId, notification.resourceData?.organizationId);
  if (tenantId === undefined) {
    return {
      ok: false,
      message: `value[${index}].tenantId: missing (and no resourceData.organizationId either)`,
    };
  }
  const resource = resourceKind(notification);
  if (resource === null) {
    return {
      ok: false,
      message: `value[${index}].resource: "${notification.resource.slice(0, 80)}" is neither Users/{id} nor Groups/{id}`,
    };
  }
  const subjectId = nonEmpty(notification.resourceData?.id, resource.id);
  if (subjectId === undefined) return { ok: false, message: `value[${index}].resourceData.id: missing` };
  const { subscriptionId, changeType } = notification;
  const normalizedResource = `${resource.kind}/${subjectId}`;

  if (resource.kind === 'users') {
    const body: UserChanged = {
      kind: 'user-changed',
      tenantId,
      userId: subjectId,
      changeType,
      subscriptionId,
      receivedAt,
      source: 'notification',
    };
    return {
      ok: true,
      message: {
        messageId: notificationMessageId([
          'change',
          subscriptionId,
          changeType,
          normalizedResource,
          tenantId,
        ]),
        orderingKey: orderingKeyFor(tenantId, subjectId),
        body,
        coalesce: true,
      },
    };
  }

  const members = memberIds(notification.resourceData);
  const body: GroupChanged = {
    kind: 'group-changed',
    tenantId,
    groupId: subjectId,
    changeType,
    subscriptionId,
    receivedAt,
    memberIds: members,
  };
  return {
    ok: true,
    message: {
      messageId: notificationMessageId([
        'change',
        subscriptionId,
        changeType,
        normalizedResource,
        tenantId,
        ...[...members].sort(),
      ]),
      orderingKey: orderingKeyFor(tenantId, subjectId),
      body,
      coalesce: members.length === 0,
    },
  };
}

export function lifecycleToMessage(
  notification: LifecycleNotification,
  index: number,
  receivedAt: string,
): MappedNotification {
  const resourceData: unknown = notification['resourceData'];
  const nestedOrganization =
    typeof resourceData === 'object' && resourceData !== null && 'organizationId' in resourceData
      ? (resourceData as { organizationId?: unknown }).organizationId
      : undefined;
  const tenantId = nonEmpty(
    notification.tenantId,
    notification.organizationId,
    typeof nestedOrganization === 'string' ? nestedOrganization : undefined,
  );
  if (tenantId === undefined) {
    return { ok: false, message: `value[${index}].tenantId: missing (and no organizationId either)` };
  }
  const { subscriptionId, lifecycleEvent } = notification;
  const body: LifecycleWork = { kind: 'lifecycle', tenantId, subscriptionId, lifecycleEvent, receivedAt };
  return {
    ok: true,
    message: {
      // Unique per delivery: the same event can rightly come again later (a second reauthorizationRequired), and Service
      // Bus remembers message ids for its whole duplicate-detection window, even after they were handled. A Graph
      // retry of one event is then handled twice, which is harmless: reauthorizing or resyncing again changes nothing,
      // and a subscription already recreated is no longer known by its old id.
      messageId: notificationMessageId([
        'lifecycle',
        subscriptionId,
        lifecycleEvent,
        tenantId,
        receivedAt,
        String(index),
      ]),
      orderingKey: orderingKeyFor(tenantId, subscriptionId),
      body,
    },
  };
}
