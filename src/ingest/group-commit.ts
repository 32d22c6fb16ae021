/**
 * Group commit: the messages of concurrent requests go to the queue in ONE `send`, so a burst costs one durable
 * write (one fsync on SQLite) instead of one per request (DESIGN.md "Measured here"). A request's messages join the
 * open batch; the batch is sent on the next turn of the event loop (`setImmediate`, after every request whose body
 * finished in this turn has joined). While a send is in flight the next batch keeps gathering, and is sent the moment
 * the first resolves: under load, batches grow by themselves and latency stays one commit long.
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
      if (pending.length > 0) schedule();
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
