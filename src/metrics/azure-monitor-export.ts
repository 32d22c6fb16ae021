/**
 * Optional export of the /metrics series to Azure Monitor (Application Insights) when
 * APPLICATIONINSIGHTS_CONNECTION_STRING is set: OpenTelemetry's MeterProvider with a periodic reader and Microsoft's
 * AzureMonitorMetricExporter, which POSTs metric envelopes to `<IngestionEndpoint>/v2.1/track`.
 *
 * Bridged from the app's prom-client registry rather than instrumented a second time: at each collection one read of
 * `registry.getMetricsAsJSON()` feeds observable instruments (gauge → ObservableGauge, counter → ObservableCounter,
 * histogram → ObservableCounters for its `_count` and `_sum`; buckets stay in Prometheus). So the two views can never
 * disagree, and nothing on the hot path knows about OpenTelemetry. Only the `ra_watch_` series go: the process
 * metrics of collectDefaultMetrics duplicate what Azure Container Apps already records, at a per-series price.
 *
 * The connection string names the Application Insights resource; it is never logged. Export failures are logged
 * (the exporter's own diagnostics go to OpenTelemetry's global diag logger, which ra-watch leaves unset).
 */
import { AzureMonitorMetricExporter } from '@azure/monitor-opentelemetry-exporter';
import type { BatchObservableResult, Observable } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import {
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import type { Registry } from 'prom-client';
import { describeError } from '../errors';
import type { Logger } from '../logger';

/** Azure Monitor's own default; tests pass a short one. */
export const DEFAULT_EXPORT_INTERVAL_MS = 60_000;
const EXPORTED_PREFIX = 'ra_watch_';

export interface AzureMonitorExportOptions {
  connectionString: string;
  registry: Registry;
  logger: Logger;
  exportIntervalMs?: number;
}

export interface MetricsExport {
  /** Exports once more, then stops; never throws. */
  stop(): Promise<void>;
}

/** One exported instrument and which prom-client samples it reads. */
interface Bridge {
  observable: Observable;
  metric: string;
  /** For histograms: the `_count` or `_sum` sample; otherwise the metric's own samples. */
  sampleName: string;
}

export function startAzureMonitorExport(options: AzureMonitorExportOptions): MetricsExport {
  const logger = options.logger.child({ component: 'azure-monitor-export' });
  const intervalMs = options.exportIntervalMs ?? DEFAULT_EXPORT_INTERVAL_MS;
  // No offline storage: a container's disk is not kept, and a restart must not replay stale counters.
  const exporter = loggingFailures(
    new AzureMonitorMetricExporter({
      connectionString: options.connectionString,
      disableOfflineStorage: true,
    }),
    logger,
  );
  const reader = new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: intervalMs,
    exportTimeoutMillis: Math.min(30_000, intervalMs),
  });
  const provider = new MeterProvider({ readers: [reader] });
  const meter = provider.getMeter('ra-watch');

  const bridges: Bridge[] = [];
  for (const metric of options.registry.getMetricsAsArray()) {
    const { name, help } = metric;
    const type = String(metric.type);
    if (!name.startsWith(EXPORTED_PREFIX)) continue;
    if (type === 'gauge') {
      bridges.push({
        observable: meter.createObservableGauge(name, { description: help }),
        metric: name,
        sampleName: name,
      });
    } else if (type === 'counter') {
      bridges.push({
        observable: meter.createObservableCounter(name, { description: help }),
        metric: name,
        sampleName: name,
      });
    } else if (type === 'histogram' || type === 'summary') {
      for (const part of ['_count', '_sum']) {
        const sampleName = `${name}${part}`;
        bridges.push({
          observable: meter.createObservableCounter(sampleName, { description: help }),
          metric: name,
          sampleName,
        });
      }
    }
  }

  meter.addBatchObservableCallback(
    async (result: BatchObservableResult) => {
      try {
        await observeRegistry(options.registry, bridges, result);
      } catch (error) {
        logger.warn({ err: error }, 'reading the metrics for Azure Monitor failed; this export is skipped');
      }
    },
    bridges.map((b) => b.observable),
  );
  logger.info({ series: bridges.length, intervalMs }, 'exporting metrics to Azure Monitor');

  let stopping: Promise<void> | null = null;
  return {
    stop: () =>
      (stopping ??= provider.shutdown().catch((error: unknown) => {
        logger.warn({ err: error }, 'stopping the Azure Monitor export failed');
      })),
  };
}

async function observeRegistry(
  registry: Registry,
  bridges: readonly Bridge[],
  result: BatchObservableResult,
): Promise<void> {
  const metrics = new Map((await registry.getMetricsAsJSON()).map((m) => [m.name, m]));
  for (const bridge of bridges) {
    for (const sample of metrics.get(bridge.metric)?.values ?? []) {
      // A plain metric's samples carry no metricName; a histogram's carry `_bucket`, `_count` or `_sum`.
      const sampleName = (sample as { metricName?: string }).metricName ?? bridge.metric;
      if (sampleName !== bridge.sampleName || !Number.isFinite(sample.value)) continue;
      result.observe(bridge.observable, sample.value, sample.labels);
    }
  }
}

/** The exporter, with failed exports logged with our logger (the result still goes back to the reader). */
function loggingFailures(exporter: PushMetricExporter, logger: Logger): PushMetricExporter {
  return {
    export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
      exporter.export(metrics, (result) => {
        if (result.code !== ExportResultCode.SUCCESS) {
          logger.warn(
            { err: result.error === undefined ? undefined : describeError(result.error) },
            'exporting metrics to Azure Monitor failed',
          );
        }
        resultCallback(result);
      });
    },
    forceFlush: () => exporter.forceFlush(),
    shutdown: () => exporter.shutdown(),
    ...(exporter.selectAggregationTemporality === undefined
      ? {}
      : { selectAggregationTemporality: exporter.selectAggregationTemporality.bind(exporter) }),
    ...(exporter.selectAggregation === undefined
      ? {}
      : { selectAggregation: exporter.selectAggregation.bind(exporter) }),
  };
}
