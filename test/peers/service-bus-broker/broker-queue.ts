/**
 * One Service Bus queue as the test broker keeps it in memory: messages in sequence order, peek-lock locks,
 * session locks, scheduled visibility, duplicate detection and the dead-letter sub-queue. No AMQP here; the
 * wiring in amqp-broker.ts turns link events into calls on this class.
 *
 * Service Bus rules reproduced (the ones the SDK and our adapter can observe):
 * - the delivery count is raised each time a message is handed out (first delivery = 1);
 * - a lock that ends unsettled (expiry, abandon, session released) makes the message available again, unless
 *   it has been delivered maxDeliveryCount times: then it moves to the dead letters, reason
 *   MaxDeliveryCountExceeded;
 * - a session is locked by one receiver at a time; its messages go out in sequence order;
 * - a message id seen within the duplicate-detection window is accepted and dropped.
 */
import { randomBytes } from 'node:crypto';
import rhea, { type Message } from 'rhea';

export interface BrokerQueueOptions {
  name: string;
  lockDurationMs: number;
  maxDeliveryCount: number;
  duplicateWindowMs: number;
  requiresSession: boolean;
}

/** Who holds a lock: a receiving link (its identity is all the queue needs). */
export type Holder = object;

export interface StoredMessage {
  sequenceNumber: number;
  message: Message;
  messageId: string | undefined;
  sessionId: string | undefined;
  enqueuedAt: number;
  visibleAt: number;
  deliveryCount: number;
  lock: { token: string; lockedUntil: number; holder: Holder } | undefined;
}

export interface SessionLock {
  holder: Holder;
  lockedUntil: number;
}

export interface DeadLetterInfo {
  reason: string;
  description: string | undefined;
}

/** Decodes an encoded message (rhea types its decoder with its other Message type). */
export function decodeMessage(buffer: Buffer): Message {
  return rhea.message.decode(buffer) as unknown as Message;
}

/** A lock token as the SDK spells it (lower-case uuid of the 16 token bytes). */
export function newLockToken(): Buffer {
  return randomBytes(16);
}

export function tokenKey(token: Buffer): string {
  return token.toString('hex');
}

export class BrokerQueue {
  readonly messages: StoredMessage[] = [];
  readonly sessions = new Map<string, SessionLock>();
  readonly sessionStates = new Map<string, Buffer | null>();
  /** Messages stored since the start (duplicates dropped not counted): lets a test see the traffic went here. */
  enqueuedCount = 0;
  /** The `<queue>/$DeadLetterQueue` sub-queue: never dead-letters further, never locks by session. */
  readonly deadLetters: BrokerQueue | undefined;
  private readonly seenIds = new Map<string, number>();

  constructor(
    readonly options: BrokerQueueOptions,
    private readonly nextSequenceNumber: () => number,
    isDeadLetterQueue = false,
  ) {
    this.deadLetters = isDeadLetterQueue
      ? undefined
      : new BrokerQueue(
          {
            ...options,
            name: `${options.name}/$DeadLetterQueue`,
            requiresSession: false,
            maxDeliveryCount: Number.MAX_SAFE_INTEGER,
          },
          nextSequenceNumber,
          true,
        );
  }

  /** Returns the sequence number, or null when duplicate detection dropped it. */
  enqueue(message: Message, now: number): number | null {
    const messageId = typeof message.message_id === 'string' ? message.message_id : undefined;
    if (messageId !== undefined && this.deadLetters !== undefined) {
      const seenAt = this.seenIds.get(messageId);
      if (seenAt !== undefined && now - seenAt < this.options.duplicateWindowMs) return null;
      this.seenIds.set(messageId, now);
    }
    const scheduled = message.message_annotations?.['x-opt-scheduled-enqueue-time'] as unknown;
    const visibleAt =
      scheduled instanceof Date ? scheduled.getTime() : typeof scheduled === 'number' ? scheduled : now;
    const stored: StoredMessage = {
      sequenceNumber: this.nextSequenceNumber(),
      message,
      messageId,
      sessionId: typeof message.group_id === 'string' ? message.group_id : undefined,
      enqueuedAt: now,
      visibleAt,
      deliveryCount: 0,
      lock: undefined,
    };
    this.messages.push(stored);
    this.enqueuedCount += 1;
    return stored.sequenceNumber;
  }

  /** Keeps a dead-lettered message as it was (body, properties, count), with the reason as Service Bus does. */
  addDeadLetter(stored: StoredMessage, info: DeadLetterInfo, now: number): void {
    const target = this.deadLetters;
    if (target === undefined) return;
    const applicationProperties: Record<string, unknown> = {
      ...(stored.message.application_properties ?? {}),
    };
    applicationProperties.DeadLetterReason = info.reason;
    if (info.description !== undefined) applicationProperties.DeadLetterErrorDescription = info.description;
    target.messages.push({
      ...stored,
      message: { ...stored.message, application_properties: applicationProperties },
      enqueuedAt: now,
      visibleAt: now,
      lock: undefined,
    });
  }

  private available(stored: StoredMessage, now: number): boolean {
    return stored.lock === undefined && stored.visibleAt <= now;
  }

  /** The next session with a message ready and no holder, in the order its oldest ready message arrived. */
  nextFreeSession(now: number): string | undefined {
    for (const stored of this.messages) {
      if (stored.sessionId === undefined || !this.available(stored, now)) continue;
      const lock = this.sessions.get(stored.sessionId);
      if (lock === undefined) return stored.sessionId;
    }
    return undefined;
  }

  lockSession(sessionId: string, holder: Holder, now: number): SessionLock | undefined {
    const existing = this.sessions.get(sessionId);
    if (existing !== undefined && existing.holder !== holder) return undefined;
    const lock = { holder, lockedUntil: now + this.options.lockDurationMs };
    this.sessions.set(sessionId, lock);
    return lock;
  }

  /** Hands out the next message for a holder (one session, or the whole queue) and locks it. */
  take(
    holder: Holder,
    sessionId: string | undefined,
    now: number,
  ): { stored: StoredMessage; token: Buffer } | undefined {
    for (const stored of this.messages) {
      if (sessionId !== undefined) {
        if (stored.sessionId !== sessionId) continue;
        // As in Service Bus, a scheduled message joins its session when it becomes visible (later ones may
        // pass it); among visible ones, sequence order.
        if (!this.available(stored, now)) continue;
      } else if (!this.available(stored, now)) {
        continue;
      }
      const token = newLockToken();
      const sessionLock = sessionId === undefined ? undefined : this.sessions.get(sessionId);
      stored.deliveryCount += 1;
      stored.lock = {
        token: tokenKey(token),
        lockedUntil: sessionLock?.lockedUntil ?? now + this.options.lockDurationMs,
        holder,
      };
      return { stored, token };
    }
    return undefined;
  }

  findLocked(token: string): StoredMessage | undefined {
    return this.messages.find((stored) => stored.lock?.token === token);
  }

  /** Whether `holder` still holds the lock `token` (and, for a session, the session). */
  holds(stored: StoredMessage, token: string, holder: Holder | undefined, now: number): boolean {
    const lock = stored.lock;
    if (lock === undefined || lock.token !== token || lock.lockedUntil < now) return false;
    if (holder !== undefined && lock.holder !== holder) return false;
    if (this.options.requiresSession && stored.sessionId !== undefined) {
      const session = this.sessions.get(stored.sessionId);
      if (session === undefined || session.holder !== lock.holder || session.lockedUntil < now) return false;
    }
    return true;
  }

  complete(stored: StoredMessage): void {
    const index = this.messages.indexOf(stored);
    if (index >= 0) this.messages.splice(index, 1);
  }

  deadLetter(stored: StoredMessage, info: DeadLetterInfo, now: number): void {
    this.complete(stored);
    this.addDeadLetter(stored, info, now);
  }

  /** The lock ends unsettled: available again, or dead-lettered once delivered maxDeliveryCount times. */
  release(stored: StoredMessage, now: number): void {
    stored.lock = undefined;
    if (stored.deliveryCount >= this.options.maxDeliveryCount) {
      this.deadLetter(
        stored,
        {
          reason: 'MaxDeliveryCountExceeded',
          description: `Message could not be consumed after ${this.options.maxDeliveryCount} delivery attempts.`,
        },
        now,
      );
    }
  }

  /** A session receiver went away (closed, or its session lock ended): its messages and session are free. */
  releaseHolder(holder: Holder, now: number): void {
    for (const stored of [...this.messages]) if (stored.lock?.holder === holder) this.release(stored, now);
    for (const [sessionId, lock] of this.sessions)
      if (lock.holder === holder) this.sessions.delete(sessionId);
  }

  /** Locks that ran out; returns the holders whose session lock ended (their links must be detached). */
  expire(now: number): Holder[] {
    const lostSessions: Holder[] = [];
    for (const [sessionId, lock] of this.sessions) {
      if (lock.lockedUntil < now) {
        this.sessions.delete(sessionId);
        lostSessions.push(lock.holder);
      }
    }
    for (const holder of lostSessions) this.releaseHolder(holder, now);
    for (const stored of [...this.messages])
      if (stored.lock !== undefined && stored.lock.lockedUntil < now) this.release(stored, now);
    for (const [id, seenAt] of this.seenIds)
      if (now - seenAt >= this.options.duplicateWindowMs) this.seenIds.delete(id);
    return lostSessions;
  }
}
