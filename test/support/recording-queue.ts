/**
 * An in-memory Queue for tests of the code in front of the queue (ingest), honest to the port's contract
 * (src/queue/queue.ts): duplicates of a *waiting* message id are stored once, coalescing merges into a *waiting*
 * coalescing message of the same ordering key, a leased key is never handed out twice, leases expire. It also
 * records every `send` call, so a test can see how requests were grouped into commits.
 * The real adapters are tested by the queue contract suite; this is a stand-in, not a model of them.
 */
import { randomUUID } from 'node:crypto';
import {
  LeaseLostError,
  type DeadLetter,
  type LeasedMessage,
  type OutgoingMessage,
  type Queue,
  type QueueStats,
  type ReceiveOptions,
  type SendResult,
} from '../../src/queue/queue';

interface Stored {
  seq: number;
  message: OutgoingMessage;
  deliveryCount: number;
  coalescedCount: number;
  enqueuedAt: Date;
  visibleAt: number;
  lease: { token: string; expiresAt: number } | null;
}

export interface RecordingQueue extends Queue {
  /** Every `send` call's messages, in order. */
  readonly sends: OutgoingMessage[][];
  /** Messages stored (waiting or leased), in send order. */
  stored(): OutgoingMessage[];
}

export function createRecordingQueue(): RecordingQueue {
  const sends: OutgoingMessage[][] = [];
  let rows: Stored[] = [];
  const deadLetters: DeadLetter[] = [];
  let seq = 0;

  const leased = (row: Stored, now: number): boolean => row.lease !== null && row.lease.expiresAt > now;
  const waiting = (row: Stored, now: number): boolean => !leased(row, now);

  function find(message: LeasedMessage): Stored {
    const row = rows.find(
      (r) => r.message.messageId === message.messageId && r.lease?.token === message.leaseToken,
    );
    if (row === undefined || row.lease === null || row.lease.expiresAt <= Date.now()) {
      throw new LeaseLostError(message.messageId);
    }
    return row;
  }

  function take(options: ReceiveOptions): LeasedMessage[] {
    const now = Date.now();
    const busyKeys = new Set(rows.filter((r) => leased(r, now)).map((r) => r.message.orderingKey));
    const out: LeasedMessage[] = [];
    for (const row of [...rows].sort((a, b) => a.seq - b.seq)) {
      if (out.length >= options.maxMessages) break;
      const key = row.message.orderingKey;
      if (busyKeys.has(key)) continue;
      busyKeys.add(key); // the oldest message of a key goes first, the rest wait behind it
      if (row.visibleAt > now) continue;
      row.deliveryCount++;
      row.lease = { token: randomUUID(), expiresAt: now + options.leaseMs };
      out.push({
        messageId: row.message.messageId,
        orderingKey: key,
        body: structuredClone(row.message.body),
        deliveryCount: row.deliveryCount,
        enqueuedAt: row.enqueuedAt,
        coalescedCount: row.coalescedCount,
        leaseToken: row.lease.token,
        leaseExpiresAt: new Date(row.lease.expiresAt),
      });
    }
    return out;
  }

  return {
    sends,
    stored: () => rows.map((r) => r.message),
    send(messages) {
      sends.push([...messages]);
      const now = Date.now();
      const result: SendResult = { accepted: 0, coalesced: 0, duplicates: 0 };
      for (const message of messages) {
        if (rows.some((r) => waiting(r, now) && r.message.messageId === message.messageId)) {
          result.duplicates++;
          continue;
        }
        const into = message.coalesce
          ? rows.find(
              (r) =>
                waiting(r, now) &&
                r.message.coalesce === true &&
                r.message.orderingKey === message.orderingKey,
            )
          : undefined;
        if (into !== undefined) {
          into.coalescedCount++;
          result.coalesced++;
          continue;
        }
        rows.push({
          seq: seq++,
          message: structuredClone(message),
          deliveryCount: 0,
          coalescedCount: 1,
          enqueuedAt: new Date(now),
          visibleAt: message.notBefore?.getTime() ?? now,
          lease: null,
        });
        result.accepted++;
      }
      return Promise.resolve(result);
    },
    async receive(options) {
      const until = Date.now() + (options.waitMs ?? 0);
      for (;;) {
        const got = take(options);
        if (got.length > 0 || Date.now() >= until) return got;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    complete(message) {
      const row = find(message);
      rows = rows.filter((r) => r !== row);
      return Promise.resolve();
    },
    abandon(message, options) {
      const row = find(message);
      row.lease = null;
      row.visibleAt = Date.now() + (options?.delayMs ?? 0);
      return Promise.resolve();
    },
    deadLetter(message, reason, description) {
      const row = find(message);
      rows = rows.filter((r) => r !== row);
      deadLetters.push({
        id: randomUUID(),
        messageId: row.message.messageId,
        orderingKey: row.message.orderingKey,
        body: row.message.body,
        reason,
        description: description ?? null,
        deliveryCount: row.deliveryCount,
        deadLetteredAt: new Date(),
      });
      return Promise.resolve();
    },
    renewLease(message, leaseMs) {
      const row = find(message);
      row.lease = { token: message.leaseToken, expiresAt: Date.now() + leaseMs };
      return Promise.resolve(new Date(row.lease.expiresAt));
    },
    listDeadLetters: (options) => Promise.resolve(deadLetters.slice(0, options?.limit ?? deadLetters.length)),
    async retryDeadLetter(id) {
      const index = deadLetters.findIndex((d) => d.id === id);
      const dead = deadLetters[index];
      if (dead === undefined) throw new Error(`no dead letter ${id}`);
      deadLetters.splice(index, 1);
      await this.send([
        {
          messageId: randomUUID(),
          orderingKey: dead.orderingKey,
          body: dead.body as OutgoingMessage['body'],
        },
      ]);
    },
    stats() {
      const now = Date.now();
      const stats: QueueStats = { ready: 0, scheduled: 0, inFlight: 0, deadLettered: deadLetters.length };
      for (const row of rows) {
        if (leased(row, now)) stats.inFlight++;
        else if (row.visibleAt > now) stats.scheduled++;
        else stats.ready++;
      }
      return Promise.resolve(stats);
    },
    ping: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}
