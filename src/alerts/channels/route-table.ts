/**
 * Where a routed alert goes (issue 19): the union of the channels of every route that matches its tenant and
 * severity. No matching route: the default route (the environment's channels, alert-routing.ts), so an install
 * with no routes behaves exactly as before. ra-watch's own blindness (`watch.blind`) always also goes to the default
 * route: the operator must hear that a customer's tenant is unwatched even when the customer's alerts go elsewhere.
 * The log gets everything.
 */
import type { Alert, RuleId, Severity, TenantId } from '../../glossary';
import type { StoredRoute } from '../../store/store';

/** The outbox sink name of a named channel. */
export const channelSinkName = (channel: string): string => `channel:${channel}`;

/** What a route posts when it names no severities: what the default route posts (info waits for the digest). */
export const ROUTE_DEFAULT_SEVERITIES: readonly Severity[] = ['critical', 'warning'];

/** Rules whose alerts the operator gets whatever the routes say. */
const OPERATOR_RULES: ReadonlySet<RuleId> = new Set<RuleId>(['watch.blind']);

type RouteShape = Pick<StoredRoute, 'tenantIds' | 'severities' | 'channels' | 'alsoDefault'>;

const coversTenant = (route: RouteShape, tenantId: TenantId): boolean =>
  route.tenantIds.length === 0 || route.tenantIds.includes(tenantId.toLowerCase());

/** The sinks of `alert`: `defaultSinks` is what the default route gives it (the log included). */
export function routeAlert(
  routes: readonly RouteShape[],
  alert: Pick<Alert, 'tenantId' | 'severity' | 'ruleId'>,
  defaultSinks: readonly string[],
): string[] {
  const matched = routes.filter(
    (r) => coversTenant(r, alert.tenantId) && r.severities.includes(alert.severity),
  );
  if (matched.length === 0) return [...defaultSinks];
  const keepDefault = OPERATOR_RULES.has(alert.ruleId) || matched.some((r) => r.alsoDefault);
  const chosen = [
    ...(keepDefault ? defaultSinks : []),
    ...matched.flatMap((r) => r.channels.map(channelSinkName)),
    'log',
  ];
  return [...new Set(chosen)];
}

/**
 * Where a tenant's daily digest goes: every channel of a route covering the tenant (whatever its severities: the
 * digest sums up all of them), and the default digest sinks when no route covers it or one keeps the default.
 * `takesDigests` says whether a sink takes digests at all (the generic webhook, by default, does not).
 */
export function digestSinks(
  routes: readonly RouteShape[],
  tenantId: TenantId,
  defaultDigestSinks: readonly string[],
  takesDigests: (sinkName: string) => boolean,
): string[] {
  const covering = routes.filter((r) => coversTenant(r, tenantId));
  const keepDefault = covering.length === 0 || covering.some((r) => r.alsoDefault);
  const chosen = [
    ...(keepDefault ? defaultDigestSinks : []),
    ...covering.flatMap((r) => r.channels.map(channelSinkName)).filter(takesDigests),
  ];
  return [...new Set(chosen)];
}
