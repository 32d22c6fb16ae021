/**
 * Ingest's counters: what `stats()` returns and what Prometheus scrapes. They are kept as plain numbers (cheap on
 * the hot path, readable in tests) and mirrored into prom-client counters when a registry is given. The registry is
 * passed in, never the global default, so two ingests in one process (tests, benchmarks) do not collide.
 *
 * The refusals are also one counter with a `reason` label (`ra_watch_ingest_rejected_total`), so one query shows
 * why notifications are not getting in. Its unit follows the reason: notifications for `client_state` (each is
 * dropped on its own), requests for the others (the whole POST is refused).
 */
import { Counter, type Registry } from 'prom-client';

export interface IngestStats {
  /** POSTs to /notifications or /lifecycle that carried a body (handshakes not included). */
  requests: number;
  /** Validation handshakes answered. */
  validations: number;
  /** Notifications in well-formed bodies (change and lifecycle). */
  received: number;
  /** Lifecycle notifications among `received`. */
  lifecycle: number;
  /** Stored by the queue as new messages. */
  accepted: number;
  /** Merged by the queue into a message already waiting for the same user or group. */
  coalesced: number;
  /** Stored once already (Graph's retry of a delivery still waiting). */
  duplicates: number;
  /** Dropped because clientState did not match a configured secret. */
  clientStateMismatches: number;
  /** Bodies refused with 400 (not JSON, wrong shape, no tenant). */
  rejectedBodies: number;
  /** Bodies refused with 413. */
  oversizeBodies: number;
  /** `queue.send` calls that succeeded (group commits). */
  commits: number;
  /** `queue.send` calls that failed; their requests were answered 503. */
  failedCommits: number;
  /** Requests answered 503 (failed commit, or ingest closing). */
  unavailable: number;
}

export type IngestCounterName = keyof IngestStats;

const descriptions: Record<IngestCounterName, string> = {
  requests: 'Notification POSTs received with a body',
  validations: 'Graph validation handshakes answered',
  received: 'Notifications in well-formed bodies',
  lifecycle: 'Lifecycle notifications received',
  accepted: 'Notifications stored as new queue messages',
  coalesced: 'Notifications merged into a waiting message for the same subject',
  duplicates: 'Notifications already waiting in the queue (Graph retries)',
  clientStateMismatches: 'Notifications dropped because clientState did not match',
  rejectedBodies: 'Notification bodies refused with 400',
  oversizeBodies: 'Notification bodies refused with 413',
  commits: 'Group commits to the queue that succeeded',
  failedCommits: 'Group commits to the queue that failed (answered 503)',
  unavailable: 'Notification requests answered 503',
};

/** The refusals, and the reason label each carries in `ra_watch_ingest_rejected_total`. */
const REJECTION_REASONS: Partial<Record<IngestCounterName, string>> = {
  clientStateMismatches: 'client_state',
  rejectedBodies: 'invalid_body',
  oversizeBodies: 'too_large',
  unavailable: 'unavailable',
};

export const INGEST_REJECTED_METRIC = 'ra_watch_ingest_rejected_total';

function metricName(name: IngestCounterName): string {
  return `ra_watch_ingest_${name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}_total`;
}

export interface IngestCounters {
  add(name: IngestCounterName, amount?: number): void;
  snapshot(): IngestStats;
}

export function createIngestCounters(registry?: Registry): IngestCounters {
  const values = Object.fromEntries(Object.keys(descriptions).map((k) => [k, 0])) as unknown as IngestStats;
  const exported = new Map<IngestCounterName, Counter>();
  const rejected =
    registry === undefined
      ? null
      : new Counter({
          name: INGEST_REJECTED_METRIC,
          help: 'Notifications dropped (reason client_state) or notification requests refused (invalid_body 400, too_large 413, unavailable 503)',
          labelNames: ['reason'] as const,
          registers: [registry],
        });
  if (registry !== undefined) {
    for (const name of Object.keys(descriptions) as IngestCounterName[]) {
      exported.set(
        name,
        new Counter({ name: metricName(name), help: descriptions[name], registers: [registry] }),
      );
    }
  }
  return {
    add(name, amount = 1) {
      if (amount === 0) return;
      values[name] += amount;
      exported.get(name)?.inc(amount);
      const reason = REJECTION_REASONS[name];
      if (reason !== undefined) rejected?.inc({ reason }, amount);
    },
    snapshot: () => ({ ...values }),
  };
}
