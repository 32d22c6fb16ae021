/**
 * Graph's side of the wire for the scenarios: POST a notification body to /notifications the way Graph does, and
 * keep what was accepted (202) with the time it was sent, so a scenario can prove each accepted notification was
 * processed (read after it was sent). Bodies that are not accepted are delivered again, as Graph retries.
 */
import { notificationBody } from './reliability-tenant';

export interface AcceptedNotification {
  userId: string;
  sentAt: number;
}

export interface DeliveryLog {
  accepted: AcceptedNotification[];
  /** Answer status → how many POSTs got it (status 0: the connection failed). */
  answers: Map<number, number>;
}

export function newDeliveryLog(): DeliveryLog {
  return { accepted: [], answers: new Map() };
}

/** One POST of these users' notifications; returns the status (0 when the connection failed). */
export async function deliverOnce(
  baseUrl: string,
  tenantId: string,
  userIds: readonly string[],
  log: DeliveryLog,
): Promise<number> {
  const sentAt = Date.now();
  let status = 0;
  try {
    const res = await fetch(`${baseUrl}/notifications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: notificationBody(tenantId, userIds),
      signal: AbortSignal.timeout(10_000),
    });
    status = res.status;
    await res.arrayBuffer();
  } catch {
    status = 0;
  }
  log.answers.set(status, (log.answers.get(status) ?? 0) + 1);
  if (status === 202) for (const userId of userIds) log.accepted.push({ userId, sentAt });
  return status;
}

export function describeAnswers(log: DeliveryLog): string {
  return [...log.answers.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, count]) => `${count} × ${status === 0 ? 'connection failed' : status}`)
    .join(', ');
}

/** Splits users into POST bodies of `size` notifications, `total` notifications in all (users repeat round-robin). */
export function burst(userIds: readonly string[], total: number, size: number): string[][] {
  const bodies: string[][] = [];
  for (let i = 0; i < total; i += size) {
    bodies.push(
      Array.from({ length: Math.min(size, total - i) }, (_, k) => userIds[(i + k) % userIds.length]!),
    );
  }
  return bodies;
}
