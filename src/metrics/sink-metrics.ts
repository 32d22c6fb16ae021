/**
 * Alert deliveries per sink: every send the outbox dispatcher makes (one alert, or one summary for a burst) and its
 * outcome, and the outbox entries it gave up on. A sink whose failures climb while its deliveries stall is down or
 * refusing us; the dead count is what an admin will never see in that channel.
 */
import { Counter, type Registry } from 'prom-client';
import type { SinkDeliveryObserver } from '../alerts/sink-delivery-observer';

export const SINK_METRIC_NAMES = {
  deliveries: 'ra_watch_sink_deliveries_total',
  dead: 'ra_watch_sink_dead_letters_total',
} as const;

export function createSinkMetrics(registry: Registry): SinkDeliveryObserver {
  const deliveries = new Counter({
    name: SINK_METRIC_NAMES.deliveries,
    help: 'Sends to an alert sink by sink, message (alert, or summary of a burst) and outcome (delivered, failed)',
    labelNames: ['sink', 'message', 'outcome'] as const,
    registers: [registry],
  });
  const dead = new Counter({
    name: SINK_METRIC_NAMES.dead,
    help: 'Outbox entries given up on (permanent refusal, or retried past the deadline), by sink',
    labelNames: ['sink'] as const,
    registers: [registry],
  });
  return {
    sent: ({ sink, message, outcome }) => deliveries.inc({ sink, message, outcome }),
    gaveUp: ({ sink }) => dead.inc({ sink }),
  };
}
