/**
 * The ack latency of Graph's two endpoints: from a notification POST's arrival to its answer. Graph wants the answer
 * within 3 s and stops delivering to endpoints that are often slow (DOMAIN.md §5), so the buckets are fine below
 * 100 ms (a group commit) and close around the budget (2.9 s, 5 s). The ingest's counters (received, accepted,
 * rejected by reason) are exported by the ingest itself (src/ingest/ingest-stats.ts).
 */
import { Histogram, type Registry } from 'prom-client';
import type { IngestAnswer } from '../ingest/ingest';

export const INGEST_METRIC_NAMES = {
  ackLatency: 'ra_watch_ingest_ack_duration_seconds',
} as const;

export const ACK_BUCKETS_SECONDS = [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.9, 5];

export function createIngestMetrics(registry: Registry): (answer: IngestAnswer) => void {
  const ackLatency = new Histogram({
    name: INGEST_METRIC_NAMES.ackLatency,
    help: 'Seconds from a notification POST arriving to its answer, by endpoint and status class (Graph allows 3 s)',
    labelNames: ['endpoint', 'status_class'] as const,
    buckets: ACK_BUCKETS_SECONDS,
    registers: [registry],
  });
  return ({ endpoint, status, durationMs }) => {
    ackLatency.observe({ endpoint, status_class: `${Math.floor(status / 100)}xx` }, durationMs / 1000);
  };
}
