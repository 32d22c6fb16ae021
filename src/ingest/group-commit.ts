/**
 * Group commit: the messages of concurrent requests go to the queue in ONE `send`, so a burst costs one durable
 * write (one fsync on SQLite) instead of one per request (DESIGN.md "Measured here"). A request's messages join the
 * open batch of its tenant's lane; the batch is sent on the next turn of the event loop (`setImmediate`, after every
 * request whose body finished in this turn has joined). While a lane's send is in flight its next batch keeps
 * gathering, and is sent the moment the first resolves: under load, batches grow by themselves and latency stays
 * one commit long.
 *
 * One lane per tenant (issue 19 item 6): with a single lane, a quiet tenant's notification that arrived during a
 * 20,000-user storm joined a batch of 5,000 of the storm's, sent only after the storm's batch in flight: it waited
 * for two large commits (about 400 ms of the neighbour bench's 600). In a lane of its own it is sent at once, and the
 * queue's SQLite send thread deals waiting sends round the tenants (sqlite-send-worker.ts fairOrder). A request
 * whose notifications name several tenants (Graph sends one subscription's per POST, so only a hand-made body) has a
 * lane of its own.
 *
 * Each request's promise settles with its batch: resolved only when the queue said the batch is durable, rejected
 * when the send failed, so nothing is acknowledged that is not durable. A request's messages are never split across
 * batches; a batch takes whole requests up to `maxBatchMessages` (at least one).
 */
import type { OutgoingMessage, Queue, SendResult } from '../queue/queue';
import { tenantOfMessage } from '../queue/message-tenant';

export interface GroupCommitOptions {
  queue: Queue;
  /** Soft cap on messages per send (a single larger request still goes alone). */
  maxBatchMessages: number;
  onCommitted?: (result: SendResult, batch: { requests: number; messages: number }) => void;
  onFailed?: (error: unknown, batch: { requests: number; messages: number }) => void;
}

export interface GroupCommit {
  /** Resolves when these messages are durable; rejects with the queue's error when they are not. */
  submit(messages: readonly OutgoingMessage[]): Promise<void>;
  /** Resolves when everything submitted so far has been sent (or has failed). */
  drain(): Promise<void>;
}

interface Waiter {
  messages: readonly OutgoingMessage[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** One tenant's requests: those gathering, and whether a send of theirs is in flight. */
interface Lane {
  pending: Waiter[];
  scheduled: boolean;
  inFlight: Promise<void> | null;
}

/** The lane a request joins: its tenant's, or (notifications of several tenants) one lane for all such requests. */
function laneOf(messages: readonly OutgoingMessage[]): string {
  let lane: string | null = null;
  for (const message of messages) {
    const tenantId = tenantOfMessage(message.body, message.orderingKey);
    if (lane === null) lane = tenantId;
    else if (lane !== tenantId) return MIXED_LANE;
  }
  return lane ?? MIXED_LANE;
}

/** Not a tenant id (those are GUIDs, or '' for a body that names none). */
const MIXED_LANE = '\u0000mixed';

export function createGroupCommit(options: GroupCommitOptions): GroupCommit {
  const { queue, maxBatchMessages } = options;
  const lanes = new Map<string, Lane>();

  // A throwing observer (stats, logs) must not leave requests hanging.
  function report(observe: () => void): void {
    try {
      observe();
    } catch {
      // ignored: observers are best effort
    }
  }

  function schedule(key: string, lane: Lane): void {
    if (lane.scheduled || lane.inFlight !== null) return;
    lane.scheduled = true;
    setImmediate(() => flush(key, lane));
  }

  function takeBatch(lane: Lane): Waiter[] {
    let count = 0;
    let take = 0;
    while (take < lane.pending.length) {
      const size = lane.pending[take]!.messages.length;
      if (take > 0 && count + size > maxBatchMessages) break;
      count += size;
      take++;
    }
    if (take === lane.pending.length) {
      const all = lane.pending;
      lane.pending = [];
      return all;
    }
    return lane.pending.splice(0, take);
  }

  function flush(key: string, lane: Lane): void {
    lane.scheduled = false;
    if (lane.inFlight !== null || lane.pending.length === 0) return;
    const batch = takeBatch(lane);
    const messages: OutgoingMessage[] = [];
    for (const waiter of batch) for (const message of waiter.messages) messages.push(message);
    const shape = { requests: batch.length, messages: messages.length };
    let sending: Promise<SendResult>;
    try {
      sending = queue.send(messages);
    } catch (error) {
      // A synchronous throw from an adapter is a failed send like any other.
      sending = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    lane.inFlight = sending.then(
      (result) => {
        report(() => options.onCommitted?.(result, shape));
        for (const waiter of batch) waiter.resolve();
      },
      (error: unknown) => {
        report(() => options.onFailed?.(error, shape));
        for (const waiter of batch) waiter.reject(error);
      },
    );
    void lane.inFlight.finally(() => {
      lane.inFlight = null;
      // An idle lane is forgotten: an install of hundreds of tenants keeps lanes only for those sending now. (While a
      // send is in flight nothing schedules the lane, so an empty one is not awaiting a flush either.)
      if (lane.pending.length > 0) schedule(key, lane);
      else lanes.delete(key);
    });
  }

  return {
    submit(messages) {
      return new Promise<void>((resolve, reject) => {
        const key = laneOf(messages);
        let lane = lanes.get(key);
        if (lane === undefined) {
          lane = { pending: [], scheduled: false, inFlight: null };
          lanes.set(key, lane);
        }
        lane.pending.push({ messages, resolve, reject });
        schedule(key, lane);
      });
    },
    async drain() {
      while (lanes.size > 0) {
        const inFlight = [...lanes.values()].flatMap((lane) =>
          lane.inFlight === null ? [] : [lane.inFlight],
        );
        if (inFlight.length > 0) await Promise.all(inFlight.map((sending) => sending.catch(() => undefined)));
        else await new Promise<void>((resolve) => setImmediate(resolve));
      }
    },
  };
}
