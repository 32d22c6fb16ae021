/**
 * Group commit: the messages of concurrent requests go to the queue in ONE `send`, so a burst costs one durable
 * write (one fsync on SQLite) instead of one per request (DESIGN.md "Measured here"). A request's messages join the
 * open batch; the batch is sent on the next turn of the event loop (`setImmediate`, after every request whose body
 * finished in this turn has joined). While a send is in flight the next batch keeps gathering, and is sent the moment
 * the first resolves: under load, batches grow by themselves and latency stays one commit long.
 *
 * Under steady load from many clients (Graph's parallel deliveries, the benchmark's 64 connections) a batch sent the
 * moment the previous one resolves holds only the requests that arrived during that commit; the clients just
 * answered come back a moment later and land in the batch after. The clients then split into two halves that take
 * turns at the disk, each paying a full fsync. So after a commit of several requests the next batch lingers for a
 * fraction of that commit's duration (`lingerFraction`, capped by `maxLingerMs`) before it is sent: the answered
 * clients rejoin, one fsync covers both halves, and a request never waits more than a fraction of one commit
 * longer. A lone request (no other request shared its commit) is never held, nor a batch that is already full.
 *
 * Each request's promise settles with its batch: resolved only when the queue said the batch is durable, rejected
 * when the send failed, so nothing is acknowledged that is not durable. A request's messages are never split across
 * batches; a batch takes whole requests up to `maxBatchMessages` (at least one).
 */
import type { OutgoingMessage, Queue, SendResult } from '../queue/queue';

export interface GroupCommitOptions {
  queue: Queue;
  /** Soft cap on messages per send (a single larger request still goes alone). */
  maxBatchMessages: number;
  /** Linger after a commit of several requests, as a fraction of that commit's duration (default 0: none). */
  lingerFraction?: number;
  /** Upper bound on the linger (default 5 ms). */
  maxLingerMs?: number;
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

export function createGroupCommit(options: GroupCommitOptions): GroupCommit {
  const { queue, maxBatchMessages } = options;
  let pending: Waiter[] = [];
  let scheduled = false;
  let inFlight: Promise<void> | null = null;
  const lingerFraction = options.lingerFraction ?? 0;
  const maxLingerMs = options.maxLingerMs ?? 5;

  // A throwing observer (stats, logs) must not leave requests hanging.
  function report(observe: () => void): void {
    try {
      observe();
    } catch {
      // ignored: observers are best effort
    }
  }

  function schedule(): void {
    if (scheduled || inFlight !== null) return;
    scheduled = true;
    setImmediate(flush);
  }

  function waitingMessages(): number {
    let count = 0;
    for (const waiter of pending) count += waiter.messages.length;
    return count;
  }

  function takeBatch(): Waiter[] {
    let count = 0;
    let take = 0;
    while (take < pending.length) {
      const size = pending[take]!.messages.length;
      if (take > 0 && count + size > maxBatchMessages) break;
      count += size;
      take++;
    }
    if (take === pending.length) {
      const all = pending;
      pending = [];
      return all;
    }
    return pending.splice(0, take);
  }

  function flush(): void {
    scheduled = false;
    if (inFlight !== null || pending.length === 0) return;
    const batch = takeBatch();
    const messages: OutgoingMessage[] = [];
    for (const waiter of batch) for (const message of waiter.messages) messages.push(message);
    const shape = { requests: batch.length, messages: messages.length };
    const started = performance.now();
    let sending: Promise<SendResult>;
    try {
      sending = queue.send(messages);
    } catch (error) {
      // A synchronous throw from an adapter is a failed send like any other.
      sending = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    inFlight = sending.then(
      (result) => {
        report(() => options.onCommitted?.(result, shape));
        for (const waiter of batch) waiter.resolve();
      },
      (error: unknown) => {
        report(() => options.onFailed?.(error, shape));
        for (const waiter of batch) waiter.reject(error);
      },
    );
    void inFlight.finally(() => {
      inFlight = null;
      const linger = Math.min(maxLingerMs, (performance.now() - started) * lingerFraction);
      // A full next batch (a burst) has nobody left to wait for.
      if (shape.requests > 1 && linger >= 1 && !scheduled && waitingMessages() < maxBatchMessages) {
        scheduled = true;
        setTimeout(flush, linger);
      } else if (pending.length > 0) schedule();
    });
  }

  return {
    submit(messages) {
      return new Promise<void>((resolve, reject) => {
        pending.push({ messages, resolve, reject });
        schedule();
      });
    },
    async drain() {
      while (inFlight !== null || pending.length > 0) {
        if (inFlight !== null) await inFlight.catch(() => undefined);
        else await new Promise<void>((resolve) => setImmediate(resolve));
      }
    },
  };
}
