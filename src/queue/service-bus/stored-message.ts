/**
 * How a port message travels as a Service Bus message, and back.
 *
 * - Session id: one of the tenant's sessions, by the ordering key's hash (tenant-session.ts: fairness across
 *   tenants). Service Bus hands one session to one receiver at a time, in sequence order, so one key's messages
 *   are handled one at a time, in order. The ordering key rides in an application property; a message without it
 *   (queued before sessions were per tenant) has its key as session id.
 * - The port's `messageId` rides in an application property; the Service Bus `messageId` (what duplicate
 *   detection looks at) depends on what the id means:
 *   - `coalesce: true` messages (user/group changes) get a unique Service Bus id. Their port id is derived from
 *     the notification's content, so a *later real change* to the same user has the same id; Service Bus's
 *     duplicate detection (a window of hours, regardless of whether the first was already handled) would
 *     swallow it. Graph's retries of one notification therefore arrive as extra messages: each costs one more
 *     read of the user, never a lost change.
 *   - other messages keep their id: a client retry of the same logical message (a follow-up, a resync) is
 *     stored once within the duplicate-detection window.
 * - Copies made by a delayed abandon carry the deliveries so far (`priorDeliveries`), so the count the worker
 *   sees keeps rising across the copy, as the port promises.
 */
import { randomUUID } from 'node:crypto';
import type { ServiceBusMessage, ServiceBusReceivedMessage } from '@azure/service-bus';
import { z } from 'zod';
import { tenantOfMessage } from '../message-tenant';
import type { LeasedMessage, OutgoingMessage } from '../queue';
import { sessionIdFor } from './tenant-session';

const PORT_MESSAGE_ID = 'ra-watch-message-id';
const COALESCED_COUNT = 'ra-watch-coalesced-count';
const PRIOR_DELIVERIES = 'ra-watch-prior-deliveries';
const ORDERING_KEY = 'ra-watch-ordering-key';

/** What we put in application properties; validated on the way back (anyone may write to the queue). */
const ourProperties = z.object({
  [PORT_MESSAGE_ID]: z.string().min(1).optional(),
  [COALESCED_COUNT]: z.number().int().positive().optional(),
  [PRIOR_DELIVERIES]: z.number().int().nonnegative().optional(),
  [ORDERING_KEY]: z.string().min(1).optional(),
});

export interface ServiceBusCopy {
  messageId: string;
  orderingKey: string;
  body: unknown;
  coalescedCount: number;
  priorDeliveries: number;
  /** Unique Service Bus id (no duplicate detection) or the port id as is. */
  uniqueId: boolean;
  notBefore?: Date;
}

export function copyOf(message: OutgoingMessage, coalescedCount = 1): ServiceBusCopy {
  return {
    messageId: message.messageId,
    orderingKey: message.orderingKey,
    body: message.body,
    coalescedCount,
    priorDeliveries: 0,
    uniqueId: message.coalesce === true,
    ...(message.notBefore !== undefined ? { notBefore: message.notBefore } : {}),
  };
}

export function toServiceBusMessage(copy: ServiceBusCopy): ServiceBusMessage {
  return {
    // Service Bus limits message ids to 128 characters; a unique suffix keeps the port id readable in the portal.
    messageId: copy.uniqueId
      ? `${copy.messageId.slice(0, 90)}#${randomUUID()}`
      : copy.messageId.slice(0, 128),
    sessionId: sessionIdFor(tenantOfMessage(copy.body, copy.orderingKey), copy.orderingKey),
    body: copy.body,
    contentType: 'application/json',
    applicationProperties: {
      [PORT_MESSAGE_ID]: copy.messageId,
      [COALESCED_COUNT]: copy.coalescedCount,
      [PRIOR_DELIVERIES]: copy.priorDeliveries,
      [ORDERING_KEY]: copy.orderingKey,
    },
    ...(copy.notBefore !== undefined ? { scheduledEnqueueTimeUtc: copy.notBefore } : {}),
  };
}

/**
 * A leased message as the port sees it, but for the lease (the adapter adds that), plus the deliveries of the copies
 * before this one; `deliveryCount` counts those too.
 */
export type ReceivedFields = Omit<LeasedMessage, 'leaseToken' | 'leaseExpiresAt'> & {
  priorDeliveries: number;
};

/** Reads a received message; properties that are missing or malformed fall back to what Service Bus knows. */
export function fieldsOf(message: ServiceBusReceivedMessage): ReceivedFields {
  const parsed = ourProperties.safeParse(message.applicationProperties ?? {});
  const properties = parsed.success ? parsed.data : {};
  const priorDeliveries = properties[PRIOR_DELIVERIES] ?? 0;
  return {
    messageId:
      properties[PORT_MESSAGE_ID] ?? String(message.messageId ?? message.sequenceNumber?.toString() ?? ''),
    orderingKey: properties[ORDERING_KEY] ?? message.sessionId ?? '',
    body: message.body as unknown,
    deliveryCount: (message.deliveryCount ?? 1) + priorDeliveries,
    enqueuedAt: message.enqueuedTimeUtc ?? new Date(),
    coalescedCount: properties[COALESCED_COUNT] ?? 1,
    priorDeliveries,
  };
}
