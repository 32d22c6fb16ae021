/**
 * Worker latency, seen from the queue the worker leases from: per message, the time from its lease to its settle
 * (the work itself: Graph reads, the store, rules) by work kind and outcome, and the time from its first enqueue to
 * its settle (what a change waited in all before it was acted on, retries included).
 *
 * Measured by wrapping the worker's queue rather than inside the worker: every message the worker handles is leased
 * through `receive` and settled through exactly one of `complete` (completed), `abandon` (retried) or `deadLetter`
 * (dead-lettered), so the wrapper sees each one's start and end without a hook in the worker's loop. A settle the
 * queue refuses (the lease was lost) is not observed: another delivery will settle that message.
 *
 * The lease-to-settle time includes the short wait a batch may spend gathering more messages (gatherMs) and its
 * share of the batch's Graph round trips: it is the latency a message saw, not CPU time.
 */
import { Histogram, type Registry } from 'prom-client';
import { z } from 'zod';
import type { LeasedMessage, Queue } from '../queue/queue';
import { workItemSchema } from '../queue/work-item';

export const WORKER_METRIC_NAMES = {
  processing: 'ra_watch_worker_message_duration_seconds',
  enqueueToSettle: 'ra_watch_worker_enqueue_to_settle_seconds',
} as const;

type Outcome = 'completed' | 'retried' | 'dead_lettered';

/** From a few ms (a cached read) to the lease length (60 s) and beyond for the end-to-end time. */
const PROCESSING_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const END_TO_END_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

const KINDS: ReadonlySet<string> = new Set(workItemSchema.options.map((option) => option.shape.kind.value));
const kindField = z.looseObject({ kind: z.string() });

/** The work kind label: a known kind, or `invalid` (a body the worker will dead-letter); never free text. */
function kindOf(body: unknown): string {
  const parsed = kindField.safeParse(body);
  return parsed.success && KINDS.has(parsed.data.kind) ? parsed.data.kind : 'invalid';
}

export interface WorkerMetrics {
  /** The queue to give the worker: the same queue, timing each message from lease to settle. */
  observe(queue: Queue): Queue;
}

export function createWorkerMetrics(
  registry: Registry,
  now: () => number = () => performance.now(),
): WorkerMetrics {
  const processing = new Histogram({
    name: WORKER_METRIC_NAMES.processing,
    help: 'Seconds from a message being leased by the worker to it being settled, by work kind and outcome',
    labelNames: ['kind', 'outcome'] as const,
    buckets: PROCESSING_BUCKETS,
    registers: [registry],
  });
  const enqueueToSettle = new Histogram({
    name: WORKER_METRIC_NAMES.enqueueToSettle,
    help: 'Seconds from a message first being enqueued to the worker settling it, by work kind and outcome',
    labelNames: ['kind', 'outcome'] as const,
    buckets: END_TO_END_BUCKETS,
    registers: [registry],
  });

  return {
    observe(queue) {
      // Keyed by the leased object itself: the worker settles with the object it was given, and a message that is
      // never settled (the process stops mid-lease) is collected with it.
      const leasedAt = new WeakMap<LeasedMessage, number>();

      const settled = (message: LeasedMessage, outcome: Outcome): void => {
        const kind = kindOf(message.body);
        const started = leasedAt.get(message);
        leasedAt.delete(message);
        if (started !== undefined) processing.observe({ kind, outcome }, (now() - started) / 1000);
        enqueueToSettle.observe(
          { kind, outcome },
          Math.max(0, Date.now() - message.enqueuedAt.getTime()) / 1000,
        );
      };

      // Every method delegated by name (not spread): an adapter's methods may live on a prototype.
      return {
        ...(queue.filtersByTenant === true ? { filtersByTenant: true } : {}),
        send: (messages) => queue.send(messages),
        renewLease: (message, leaseMs) => queue.renewLease(message, leaseMs),
        listDeadLetters: (options) => queue.listDeadLetters(options),
        retryDeadLetter: (id) => queue.retryDeadLetter(id),
        stats: (options) => queue.stats(options),
        ping: () => queue.ping(),
        close: () => queue.close(),
        async receive(options) {
          const messages = await queue.receive(options);
          const at = now();
          for (const message of messages) leasedAt.set(message, at);
          return messages;
        },
        async complete(message) {
          await queue.complete(message);
          settled(message, 'completed');
        },
        async abandon(message, options) {
          await queue.abandon(message, options);
          settled(message, 'retried');
        },
        async deadLetter(message, reason, description) {
          await queue.deadLetter(message, reason, description);
          settled(message, 'dead_lettered');
        },
      };
    },
  };
}
