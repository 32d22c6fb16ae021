/**
 * The queue port: what ingest writes to and what the worker leases from. Two adapters implement it
 * (`queue/embedded/`, a table in the store; `queue/service-bus/`, Azure Service Bus). Adapter and SDK types never
 * leave their folder; everything here is plain data.
 *
 * Semantics every adapter honours (the contract suite in test/queue/ checks them on each):
 * - `send` resolves only when every message is durable. One call may carry many messages (ingest's group commit).
 * - At-least-once: a leased message that is neither completed nor dead-lettered before its lease ends becomes
 *   visible again, with `deliveryCount` one higher. A process that dies mid-lease therefore loses nothing.
 * - One message per `orderingKey` in flight at a time: one user's changes are handled in order.
 * - `notBefore` delays visibility (the non-atomic-swap follow-up waits for the audit log).
 * - Coalescing (`coalesce: true`): a message whose ordering key already has a *waiting* (not leased) coalescing
 *   message is merged into it instead of added. Graph retries deliveries for hours and two real changes to one
 *   user produce identical bodies, so "same body" cannot mean "same change"; but one waiting read of the user
 *   covers every change made before it runs. A message arriving while that key is *leased* is kept, so the worker
 *   reads the user again after the change: a later change is never swallowed.
 * - Duplicates: a send whose `messageId` equals that of a message of the same `orderingKey` still *waiting* (not
 *   leased) is counted as a duplicate and stored once. Once leased or completed, the id may be used again (same
 *   reason as coalescing). Every sender derives a message's id from the subject its key names (a notification's
 *   resource, a user, a subscription), so an id never recurs under another key; the embedded queue relies on it
 *   and looks duplicates up by key.
 * - `deadLetter` keeps the message and the reason; nothing is ever silently dropped.
 */
import type { WorkItem } from './work-item';

export interface OutgoingMessage {
  /** Deterministic id: the same logical message sent twice (a client retry) is stored once. */
  messageId: string;
  /** Messages with the same key are delivered one at a time, in send order (tenant + user id). */
  orderingKey: string;
  body: WorkItem;
  /** Not visible before this time (scheduled follow-ups). */
  notBefore?: Date;
  /** Merge into a waiting coalescing message with the same ordering key (see the contract above). */
  coalesce?: boolean;
}

export interface SendResult {
  /** Messages stored as new rows / messages. */
  accepted: number;
  /** Messages merged into one already waiting for the same key. */
  coalesced: number;
  /** Messages whose id was already stored (duplicate sends). */
  duplicates: number;
}

export interface LeasedMessage {
  messageId: string;
  orderingKey: string;
  /** Raw body as stored. The worker validates it (`parseWorkItem`) and dead-letters what it cannot read. */
  body: unknown;
  /** 1 on first delivery. */
  deliveryCount: number;
  enqueuedAt: Date;
  /** How many sends were merged into this one (1 = none). */
  coalescedCount: number;
  /** Opaque lease token; settling with an expired or foreign token fails with `LeaseLostError`. */
  leaseToken: string;
  leaseExpiresAt: Date;
}

export interface ReceiveOptions {
  /** At most this many messages (each with a distinct ordering key). */
  maxMessages: number;
  /** Lease length; renew with `renewLease` for long work. */
  leaseMs: number;
  /** Wait up to this long for a message when none is ready (0 = return at once). */
  waitMs?: number;
  /**
   * Leave these tenants' messages for another receive: they hold their share of the worker's loops
   * (worker/tenant-loop-share.ts). Honoured where `Queue.filtersByTenant` (the embedded queue); Service Bus ignores
   * it, where a tenant's messages are spread over at most 32 sessions (tenant-session.ts) and that caps its share
   * of the leases instead.
   */
  exceptTenants?: readonly string[];
}

export interface DeadLetter {
  id: string;
  messageId: string;
  orderingKey: string;
  body: unknown;
  reason: string;
  /** More detail (an error message, a validation issue). */
  description: string | null;
  deliveryCount: number;
  deadLetteredAt: Date;
}

export interface QueueStats {
  /** Visible now. */
  ready: number;
  /** Not visible yet (notBefore in the future). */
  scheduled: number;
  /** Leased by a consumer. */
  inFlight: number;
  deadLettered: number;
  /**
   * When the oldest ready message was first enqueued (null: none ready). Present only when asked for with
   * `{ oldestReady: true }`: it costs one more read (a whole peek on Service Bus, where it is approximate).
   */
  oldestReadyEnqueuedAt?: Date | null;
}

export interface QueueStatsOptions {
  /** Also find the oldest ready message's enqueue time (`oldestReadyEnqueuedAt`). */
  oldestReady?: boolean;
}

export interface Queue {
  /**
   * True when `receive` leaves out `exceptTenants` (the embedded queue). Absent: they are ignored (Service Bus),
   * and the worker does not keep a loop back for other tenants nor take its leases one loop at a time
   * (worker/tenant-loop-share.ts): a session accept is a round trip, and leases taken in turn there halved the
   * replica suite's drain.
   */
  readonly filtersByTenant?: true;
  send(messages: readonly OutgoingMessage[]): Promise<SendResult>;
  receive(options: ReceiveOptions): Promise<LeasedMessage[]>;
  complete(message: LeasedMessage): Promise<void>;
  /** Give the message back; visible again after `delayMs` (0 = at once). Counts as a delivery. */
  abandon(message: LeasedMessage, options?: { delayMs?: number }): Promise<void>;
  deadLetter(message: LeasedMessage, reason: string, description?: string): Promise<void>;
  renewLease(message: LeasedMessage, leaseMs: number): Promise<Date>;
  listDeadLetters(options?: { limit?: number }): Promise<DeadLetter[]>;
  /** Put a dead letter back on the queue as a fresh message. An unknown id throws `DeadLetterNotFoundError`. */
  retryDeadLetter(id: string): Promise<void>;
  stats(options?: QueueStatsOptions): Promise<QueueStats>;
  /** Cheap reachability probe for /readyz. */
  ping(): Promise<void>;
  /** Ends waiting receives with no messages; then `receive` resolves empty, other calls reject (close: no-op). */
  close(): Promise<void>;
}

/** Settling a message whose lease has expired (another consumer may hold it now). */
export class LeaseLostError extends Error {
  constructor(messageId: string) {
    super(
      `lease lost for message ${messageId}: it was redelivered after its lease expired; the work must not be settled twice`,
    );
    this.name = 'LeaseLostError';
  }
}

/** `retryDeadLetter` with an id the queue does not hold (already retried, or never existed). */
export class DeadLetterNotFoundError extends Error {
  constructor(readonly deadLetterId: string) {
    super(`dead letter ${deadLetterId} does not exist (already retried, or never existed)`);
    this.name = 'DeadLetterNotFoundError';
  }
}
