/**
 * Graph traffic as the operator sees it: every answer by method, route class and status (retries are requests too:
 * Graph counts them against the tenant's budget), and how often Graph throttled us. A rising throttle count is the
 * early sign that a burst or a reconcile is spending the app's budget for the tenant (DOMAIN.md §5).
 */
import { Counter, type Registry } from 'prom-client';
import type { GraphTrafficObserver } from '../graph/client/graph-traffic';

export const GRAPH_METRIC_NAMES = {
  requests: 'ra_watch_graph_requests_total',
  throttles: 'ra_watch_graph_throttles_total',
  fallbacks: 'ra_watch_graph_fallbacks_total',
} as const;

export function createGraphMetrics(registry: Registry): GraphTrafficObserver {
  const requests = new Counter({
    name: GRAPH_METRIC_NAMES.requests,
    help: 'Graph HTTP answers by method, route class and status, retries included (status 0: no answer, network error or timeout)',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const throttles = new Counter({
    name: GRAPH_METRIC_NAMES.throttles,
    help: 'Times Graph throttled a request: 429, or 503 with Retry-After (route batch_item: one item inside a $batch)',
    labelNames: ['route', 'status'] as const,
    registers: [registry],
  });
  const fallbacks = new Counter({
    name: GRAPH_METRIC_NAMES.fallbacks,
    help: 'Graph answers the client fell back on instead of failing: teams_silent (a Teams userConfiguration read failed or was not understood; identification used the weaker sources), delta_link_dead (a stored delta link refused with a 4xx, dropped for a full sync); status 0: no answer or an unreadable body',
    labelNames: ['kind', 'status'] as const,
    registers: [registry],
  });
  return {
    fellBack: ({ kind, status }) => fallbacks.inc({ kind, status: String(status) }),
    answered: ({ method, route, status }) => requests.inc({ method, route, status: String(status) }),
    throttled: ({ route, status }) => throttles.inc({ route, status: String(status) }),
  };
}
