/**
 * The `$management` node of the test broker: Service Bus's request/response operations ("AMQP 1.0 in Azure
 * Service Bus: request-response-based operations"), the subset the SDK calls for what ra-watch does. A request
 * carries `operation` in its application properties and a map body; the response carries `statusCode` (200, or
 * 204 for "nothing") and a map body. Unknown operations get 501 so a missing one is obvious in a test failure.
 */
import rhea, { type Message } from 'rhea';
import { BrokerQueue, decodeMessage, tokenKey, type StoredMessage } from './broker-queue';

export interface ManagementResponse {
  properties: Record<string, unknown>;
  body: unknown;
}

function ok(body: unknown, statusCode = 200): ManagementResponse {
  return { properties: { statusCode, statusDescription: 'OK' }, body };
}

function failure(statusCode: number, condition: string, description: string): ManagementResponse {
  return {
    properties: { statusCode, statusDescription: description, errorCondition: condition },
    body: null,
  };
}

function numberOf(value: unknown): number {
  if (typeof value === 'number') return value;
  if (Buffer.isBuffer(value)) return Number(value.readBigInt64BE());
  return 0;
}

/** A stored message as the SDK decodes it from a peek: its own sections plus the broker's annotations. */
function encoded(stored: StoredMessage, now: number): Buffer {
  return rhea.message.encode({
    ...stored.message,
    delivery_count: stored.deliveryCount,
    message_annotations: {
      ...(stored.message.message_annotations ?? {}),
      'x-opt-sequence-number': rhea.types.wrap_long(stored.sequenceNumber),
      'x-opt-enqueued-time': new Date(stored.enqueuedAt),
      ...(stored.visibleAt > now
        ? { 'x-opt-message-state': 2, 'x-opt-scheduled-enqueue-time': new Date(stored.visibleAt) }
        : {}),
      ...(stored.lock !== undefined ? { 'x-opt-locked-until': new Date(stored.lock.lockedUntil) } : {}),
    },
  });
}

export function handleManagementRequest(
  queue: BrokerQueue | undefined,
  request: Message,
  now: number,
): ManagementResponse {
  if (queue === undefined) return failure(404, 'amqp:not-found', 'The messaging entity could not be found.');
  const operation = request.application_properties?.operation as unknown;
  const body = (request.body ?? {}) as Record<string, unknown>;
  switch (operation) {
    case 'com.microsoft:peek-message': {
      const from = numberOf(body['from-sequence-number']);
      const count = numberOf(body['message-count']);
      const sessionId = typeof body['session-id'] === 'string' ? body['session-id'] : undefined;
      const found = queue.messages
        .filter(
          (stored) =>
            stored.sequenceNumber >= from && (sessionId === undefined || stored.sessionId === sessionId),
        )
        .sort((a, b) => a.sequenceNumber - b.sequenceNumber)
        .slice(0, count);
      if (found.length === 0) return ok(null, 204);
      return ok({ messages: found.map((stored) => ({ message: encoded(stored, now) })) });
    }
    case 'com.microsoft:renew-lock': {
      const tokens = (body['lock-tokens'] as unknown[] | undefined) ?? [];
      const expirations: Date[] = [];
      for (const token of tokens) {
        const key = Buffer.isBuffer(token) ? tokenKey(token) : '';
        const stored = queue.findLocked(key);
        if (stored === undefined || !queue.holds(stored, key, undefined, now)) {
          return failure(
            410,
            'com.microsoft:message-lock-lost',
            'The lock supplied is invalid: it expired or the message was settled.',
          );
        }
        stored.lock!.lockedUntil = now + queue.options.lockDurationMs;
        expirations.push(new Date(stored.lock!.lockedUntil));
      }
      return ok({ expirations });
    }
    case 'com.microsoft:renew-session-lock': {
      const sessionId = String(body['session-id']);
      const lock = queue.sessions.get(sessionId);
      if (lock === undefined || lock.lockedUntil < now) {
        return failure(
          410,
          'com.microsoft:session-lock-lost',
          `The session lock for '${sessionId}' has expired.`,
        );
      }
      lock.lockedUntil = now + queue.options.lockDurationMs;
      // Messages locked under the session share its lock.
      for (const stored of queue.messages)
        if (stored.sessionId === sessionId && stored.lock !== undefined)
          stored.lock.lockedUntil = lock.lockedUntil;
      return ok({ expiration: new Date(lock.lockedUntil) });
    }
    case 'com.microsoft:get-session-state':
      return ok({ 'session-state': queue.sessionStates.get(String(body['session-id'])) ?? null });
    case 'com.microsoft:set-session-state': {
      const state = body['session-state'];
      queue.sessionStates.set(String(body['session-id']), Buffer.isBuffer(state) ? state : null);
      return ok(null);
    }
    case 'com.microsoft:schedule-message': {
      const entries = (body.messages as Array<{ message?: unknown }> | undefined) ?? [];
      const sequenceNumbers: unknown[] = [];
      for (const entry of entries) {
        if (!Buffer.isBuffer(entry.message))
          return failure(400, 'amqp:decode-error', 'schedule-message: entry without an encoded message');
        const sequenceNumber = queue.enqueue(decodeMessage(entry.message), now);
        const buffer = Buffer.alloc(8);
        buffer.writeBigInt64BE(BigInt(sequenceNumber ?? 0));
        sequenceNumbers.push(buffer);
      }
      return ok({ 'sequence-numbers': rhea.types.wrap_array(sequenceNumbers, 0x81, undefined) });
    }
    case 'com.microsoft:cancel-scheduled-message': {
      const numbers = ((body['sequence-numbers'] as unknown[] | undefined) ?? []).map(numberOf);
      for (const stored of [...queue.messages])
        if (numbers.includes(stored.sequenceNumber) && stored.visibleAt > now) queue.complete(stored);
      return ok(null);
    }
    default:
      return failure(501, 'amqp:not-implemented', `The test broker does not implement ${String(operation)}.`);
  }
}
