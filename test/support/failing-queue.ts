/**
 * Wraps a real Queue so a test can make `send` fail on demand (the queue's disk is full, its database is down).
 * Everything else goes straight to the wrapped queue, so what did get stored can be checked on the real thing.
 */
import type { Queue } from '../../src/queue/queue';

export interface FailingQueue extends Queue {
  /** While true, `send` rejects and stores nothing. */
  failSends: boolean;
}

export function withFailingSends(inner: Queue): FailingQueue {
  const queue: FailingQueue = {
    failSends: false,
    send: (messages) =>
      queue.failSends
        ? Promise.reject(new Error('queue unavailable (test: sends are failing)'))
        : inner.send(messages),
    receive: (options) => inner.receive(options),
    complete: (message) => inner.complete(message),
    abandon: (message, options) => inner.abandon(message, options),
    deadLetter: (message, reason, description) => inner.deadLetter(message, reason, description),
    renewLease: (message, leaseMs) => inner.renewLease(message, leaseMs),
    listDeadLetters: (options) => inner.listDeadLetters(options),
    retryDeadLetter: (id) => inner.retryDeadLetter(id),
    stats: () => inner.stats(),
    ping: () => inner.ping(),
    close: () => inner.close(),
  };
  return queue;
}
