/**
 * The operator's gauges that are read at scrape time rather than counted as things happen: queue depth and the age
 * of the oldest ready message, open alerts by rule and severity, and each subscription's time to expiry. Each is a prom-client `collect()` over a port that
 * already exists (Queue.stats, Store.alerts.list, Store.subscriptions.list), so nothing in the pipeline changes to
 * feed them, and a scrape always shows the current state (a resolved alert or a removed subscription disappears).
 *
 * The oldest message's age comes from the same stats read (`oldestReady`); on Service Bus it is peeked and so
 * approximate (queue/service-bus/stats.ts). 0 when nothing is ready: an empty queue has nothing waiting.
 *
 * A source that fails during a scrape keeps its last values and counts the failure; /metrics itself still answers,
 * because an unreachable database is exactly when an operator needs the other series.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Queue } from '../queue/queue';
import type { Store } from '../store/store';

export interface MetricsSources {
  queue: Pick<Queue, 'stats'>;
  store: { alerts: Pick<Store['alerts'], 'list'>; subscriptions: Pick<Store['subscriptions'], 'list'> };
  /** Clock for time-to-expiry (tests). */
  now?: () => Date;
  /** Most open alerts read per scrape (the store's list is paged; beyond this the gauge undercounts). */
  maxAlerts?: number;
}

export interface OperationalMetrics {
  readonly queueDepth: Gauge<'state'>;
  readonly queueOldestAge: Gauge;
  readonly alertsOpen: Gauge<'rule' | 'severity'>;
  readonly subscriptionExpiry: Gauge<'tenant' | 'subscription' | 'resource'>;
  readonly collectFailures: Counter<'source'>;
}

export const METRIC_NAMES = {
  queueDepth: 'ra_watch_queue_depth',
  queueOldestAge: 'ra_watch_queue_oldest_message_age_seconds',
  alertsOpen: 'ra_watch_alerts_open',
  subscriptionExpiry: 'ra_watch_subscription_time_to_expiry_seconds',
  collectFailures: 'ra_watch_metrics_collect_failures_total',
} as const;

export function createMetrics(registry: Registry, sources: MetricsSources): OperationalMetrics {
  const now = sources.now ?? (() => new Date());
  const maxAlerts = sources.maxAlerts ?? 10_000;

  // prom-client collects every metric of a scrape concurrently: the failure counter waits for the gauges' reads of
  // the same scrape, so a failure shows in the scrape that met it rather than in the next one.
  const reading = new Set<Promise<void>>();
  const collectFailures = new Counter({
    name: METRIC_NAMES.collectFailures,
    help: 'Scrapes in which a gauge could not read its source (it kept its previous values)',
    labelNames: ['source'] as const,
    // Registered after the gauges (below): their reads must have started when this one collects.
    registers: [],
    async collect() {
      await Promise.allSettled([...reading]);
    },
  });
  /** Runs one gauge's read, tracked for the failure counter; a failure is counted, never thrown into the scrape. */
  const read = (source: 'queue' | 'alerts' | 'subscriptions', work: () => Promise<void>): Promise<void> => {
    const running = work().catch(() => {
      collectFailures.inc({ source });
    });
    reading.add(running);
    return running.finally(() => reading.delete(running));
  };

  /** The queue read of the scrape in progress, which the oldest-age gauge waits for. */
  let queueRead: Promise<void> = Promise.resolve();
  const queueDepth: Gauge<'state'> = new Gauge({
    name: METRIC_NAMES.queueDepth,
    help: 'Queue messages by state: ready (visible now), scheduled (not yet visible), in_flight (leased), dead_lettered',
    labelNames: ['state'] as const,
    registers: [registry],
    collect: () =>
      (queueRead = read('queue', async () => {
        const stats = await sources.queue.stats({ oldestReady: true });
        const oldest = stats.oldestReadyEnqueuedAt ?? null;
        queueOldestAge.set(oldest === null ? 0 : Math.max(0, (now().getTime() - oldest.getTime()) / 1000));
        queueDepth.set({ state: 'ready' }, stats.ready);
        queueDepth.set({ state: 'scheduled' }, stats.scheduled);
        queueDepth.set({ state: 'in_flight' }, stats.inFlight);
        queueDepth.set({ state: 'dead_lettered' }, stats.deadLettered);
      })),
  });
  // Set by the queue depth's read (one stats call per scrape for both); registered after it, so that read has
  // started when this one collects and is awaited, never an older value.
  const queueOldestAge = new Gauge({
    name: METRIC_NAMES.queueOldestAge,
    help: 'Seconds the oldest ready queue message has waited since it was first enqueued (0: none ready; approximate on Service Bus)',
    registers: [registry],
    async collect() {
      await queueRead;
    },
  });

  const alertsOpen: Gauge<'rule' | 'severity'> = new Gauge({
    name: METRIC_NAMES.alertsOpen,
    help: 'Open alerts by rule and severity',
    labelNames: ['rule', 'severity'] as const,
    registers: [registry],
    collect: () =>
      read('alerts', async () => {
        const alerts = await sources.store.alerts.list({ state: 'open', limit: maxAlerts });
        const counts = new Map<string, { rule: string; severity: string; count: number }>();
        for (const alert of alerts) {
          const key = `${alert.ruleId}\u0000${alert.severity}`;
          const entry = counts.get(key) ?? { rule: alert.ruleId, severity: alert.severity, count: 0 };
          entry.count += 1;
          counts.set(key, entry);
        }
        // Reset first: a rule whose last alert resolved must drop to absent, not stay at its old count.
        alertsOpen.reset();
        for (const { rule, severity, count } of counts.values()) alertsOpen.set({ rule, severity }, count);
      }),
  });

  const subscriptionExpiry: Gauge<'tenant' | 'subscription' | 'resource'> = new Gauge({
    name: METRIC_NAMES.subscriptionExpiry,
    help: 'Seconds until each active Graph subscription expires (negative: expired and not renewed)',
    labelNames: ['tenant', 'subscription', 'resource'] as const,
    registers: [registry],
    collect: () =>
      read('subscriptions', async () => {
        const subscriptions = await sources.store.subscriptions.list();
        const at = now().getTime();
        subscriptionExpiry.reset();
        for (const s of subscriptions) {
          if (s.status !== 'active') continue;
          const seconds = Math.round((Date.parse(s.expiresAt) - at) / 1000);
          subscriptionExpiry.set({ tenant: s.tenantId, subscription: s.id, resource: s.resource }, seconds);
        }
      }),
  });

  registry.registerMetric(collectFailures);
  return { queueDepth, queueOldestAge, alertsOpen, subscriptionExpiry, collectFailures };
}
