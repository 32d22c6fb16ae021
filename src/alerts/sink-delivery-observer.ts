/**
 * What the outbox dispatcher tells an observer about its sends (the Prometheus counters in
 * src/metrics/sink-metrics.ts listen; the dispatcher does not know about them).
 */
export interface SinkDeliveryObserver {
  /** One send to a sink: one alert, or one summary standing for a burst of them. */
  sent(delivery: { sink: string; message: 'alert' | 'summary'; outcome: 'delivered' | 'failed' }): void;
  /** An outbox entry dead-lettered: it will not be sent again. */
  gaveUp(entry: { sink: string }): void;
}
