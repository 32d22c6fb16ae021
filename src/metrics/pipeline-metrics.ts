/**
 * Every series on /metrics, created once per app on the app's own registry (never prom-client's global one), and
 * the hooks the pipeline's parts take to feed them: ingest's answer times, Graph's traffic, the worker's queue, the
 * alert sinks' sends. The scrape-time gauges (queue, alerts, subscriptions) read their ports themselves. The parts
 * only know their own observer interfaces; this file is where those meet prom-client.
 */
import type { Registry } from 'prom-client';
import type { SinkDeliveryObserver } from '../alerts/sink-delivery-observer';
import type { GraphTrafficObserver } from '../graph/client/graph-traffic';
import type { IngestAnswer } from '../ingest/ingest';
import { createGraphMetrics } from './graph-metrics';
import { createIngestMetrics } from './ingest-metrics';
import { createMetrics, type MetricsSources } from './operational-metrics';
import { createSinkMetrics } from './sink-metrics';
import { createWorkerMetrics, type WorkerMetrics } from './worker-metrics';

export interface PipelineMetrics {
  ingestAnswered: (answer: IngestAnswer) => void;
  graph: GraphTrafficObserver;
  worker: WorkerMetrics;
  sinks: SinkDeliveryObserver;
}

export function createPipelineMetrics(registry: Registry, sources: MetricsSources): PipelineMetrics {
  createMetrics(registry, sources);
  return {
    ingestAnswered: createIngestMetrics(registry),
    graph: createGraphMetrics(registry),
    worker: createWorkerMetrics(registry),
    sinks: createSinkMetrics(registry),
  };
}
