/**
 * A Queue that stores nothing and answers at once: the benchmark's third server runs the real ingest against it,
 * to separate what the HTTP handler costs (parse, validate, clientState, group commit) from what the durable queue
 * costs. Never used outside the benchmark: it acknowledges what it does not keep.
 */
import type { Queue } from '../../src/queue/queue';

export function createCountingQueue(): Queue & { readonly count: () => number } {
  let count = 0;
  const unsupported = (): Promise<never> =>
    Promise.reject(new Error('the benchmark counting queue only counts sends'));
  return {
    count: () => count,
    send(messages) {
      count += messages.length;
      return Promise.resolve({ accepted: messages.length, coalesced: 0, duplicates: 0 });
    },
    receive: () => Promise.resolve([]),
    complete: unsupported,
    abandon: unsupported,
    deadLetter: unsupported,
    renewLease: unsupported,
    listDeadLetters: () => Promise.resolve([]),
    retryDeadLetter: unsupported,
    stats: () => Promise.resolve({ ready: 0, scheduled: 0, inFlight: 0, deadLettered: 0 }),
    ping: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}
