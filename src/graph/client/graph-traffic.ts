/**
 * What the Graph client tells an observer about its traffic (the Prometheus counters in src/metrics/graph-metrics.ts
 * listen; the client does not know about them). Routes are classes, never raw paths: a path carries user and
 * subscription ids, which would make one time series per user.
 */
import type { TenantId } from '../../glossary';

export type GraphRoute =
  'user' | 'batch' | 'delta' | 'audit' | 'subscriptions' | 'skus' | 'teams_user_configuration' | 'other';

export interface GraphTrafficObserver {
  /**
   * One HTTP answer from Graph, retries included; status 0 when none came (network error, timeout). `tenantId`: the
   * tenant whose token was sent (credential-health.ts watches for 401s); metrics ignore it (one series per tenant).
   */
  answered(answer: { method: string; route: GraphRoute; status: number; tenantId?: TenantId }): void;
  /**
   * Graph asked us to slow down: a 429, or a 503 with Retry-After. A throttled item inside a `$batch` answer (whose
   * own status is 200) counts too, as route `batch_item`.
   */
  throttled(throttle: { route: GraphRoute | 'batch_item'; status: number }): void;
}

/** Graph asking us to slow down: 429, or 503 with Retry-After (a bare 503 is an outage, not a throttle). */
export function isThrottle(status: number, retryAfter: string | null): boolean {
  return status === 429 || (status === 503 && retryAfter !== null);
}

/** The route class of a request path below the API version (`/v1.0/users/{id}` → `user`). */
export function graphRouteOf(pathname: string): GraphRoute {
  // The base URL may carry a path of its own (a proxy, the simulator): what follows the version is the route.
  const path = pathname.toLowerCase().replace(/^.*?\/(v1\.0|beta)(?=\/)/, '');
  if (path.startsWith('/$batch')) return 'batch';
  if (path.startsWith('/users/delta') || path.startsWith('/groups/delta')) return 'delta';
  if (path.startsWith('/users/')) return 'user';
  if (path.startsWith('/auditlogs/')) return 'audit';
  if (path.startsWith('/subscriptions')) return 'subscriptions';
  if (path.startsWith('/subscribedskus')) return 'skus';
  if (path.startsWith('/admin/teams/userconfigurations')) return 'teams_user_configuration';
  return 'other';
}
