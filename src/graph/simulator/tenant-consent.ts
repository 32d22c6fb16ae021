/**
 * Per-tenant admin consent, as the simulator plays it (issue 19): whether the multi-tenant app is consented in a
 * customer tenant (its service principal exists there) and which application permissions that consent lacks.
 *
 * - Consent revoked: the token endpoint (entra-simulator.ts) refuses the tenant with AADSTS700016, and Graph answers
 *   401 to a token it already issued. (Real tokens stay valid until they expire, up to about an hour; the simulator
 *   refuses at once so a test need not wait: a simplification.)
 * - A permission missing: Graph answers 403 Authorization_RequestDenied "Insufficient privileges to complete the
 *   operation." on the routes that need it, without naming the permission, as Graph does
 *   (https://learn.microsoft.com/graph/errors, and each API page's "Permissions" table for the route → permission map).
 *
 * - Creating a subscription (POST /subscriptions) needs the permission that reads its resource: User.Read.All for
 *   `users`, Group.Read.All for `groups` (graph-samples README, "Subscriptions"; the per-resource permissions table of
 *   https://learn.microsoft.com/graph/api/subscription-post-subscriptions). Graph's refusal there is not the
 *   directory's Authorization_RequestDenied but the subscription service's 403 `ExtensionError`, "Operation: Create;
 *   Exception: [Status Code: Forbidden; Reason: The request is not authorized for this user or application.]", as
 *   reported from real tenants (https://learn.microsoft.com/answers/questions/518278 and, with the reason left empty,
 *   https://learn.microsoft.com/answers/questions/946301). It does not name the permission either.
 *
 * Every seeded tenant starts consented with the permissions its seed does not list as missing (all, by default).
 */
import { graphError } from './graph-error';
import type { SimRequest, SimResponse } from './sim-exchange';

/** Which application permission each route ra-watch calls needs (least privileged, from each API page). */
const ROUTE_PERMISSIONS: ReadonlyArray<[method: string, path: RegExp, permission: string]> = [
  ['GET', /^\/organization/i, 'Organization.Read.All'],
  ['GET', /^\/subscribedSkus/i, 'Organization.Read.All'],
  ['GET', /^\/users/i, 'User.Read.All'],
  ['GET', /^\/groups/i, 'Group.Read.All'],
  ['GET', /^\/auditLogs\/directoryAudits/i, 'AuditLog.Read.All'],
  ['GET', /^\/admin\/teams\/userConfigurations/i, 'TeamsUserConfiguration.Read.All'],
];

/** The permission creating a subscription on `resource` needs (the resource's read permission), by its first segment. */
const SUBSCRIPTION_PERMISSIONS: Record<string, string> = {
  users: 'User.Read.All',
  groups: 'Group.Read.All',
};

function subscriptionPermission(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const resource = (body as { resource?: unknown }).resource;
  if (typeof resource !== 'string') return null;
  const first = resource.replace(/^\//, '').split(/[/?]/)[0]!.toLowerCase();
  return SUBSCRIPTION_PERMISSIONS[first] ?? null;
}

/** The subscription service's 403 (see above), not the directory's. */
function subscriptionRefusal(): SimResponse {
  return graphError(
    403,
    'ExtensionError',
    'Operation: Create; Exception: [Status Code: Forbidden; Reason: The request is not authorized for this user or application.]',
  );
}

interface ConsentState {
  granted: boolean;
  missing: Set<string>;
}

export class TenantConsent {
  private readonly states = new Map<string, ConsentState>();

  private state(tenantId: string): ConsentState {
    const id = tenantId.toLowerCase();
    let state = this.states.get(id);
    if (state === undefined) {
      state = { granted: true, missing: new Set() };
      this.states.set(id, state);
    }
    return state;
  }

  /** Admin consent given (again), lacking `missing` permissions (e.g. `['AuditLog.Read.All']`). */
  grant(tenantId: string, options: { missing?: readonly string[] } = {}): void {
    const state = this.state(tenantId);
    state.granted = true;
    state.missing = new Set((options.missing ?? []).map((p) => p.toLowerCase()));
  }

  /** The app's service principal is deleted from the tenant (consent revoked). */
  revoke(tenantId: string): void {
    this.state(tenantId).granted = false;
  }

  isGranted(tenantId: string): boolean {
    return this.state(tenantId).granted;
  }

  /** The permissions the tenant's consent lacks (lower case). */
  missing(tenantId: string): string[] {
    return [...this.state(tenantId).missing];
  }

  /** Graph's 403 when the request needs a permission the tenant's consent lacks; null when it may proceed. */
  refusal(req: Pick<SimRequest, 'tenantId' | 'method' | 'path' | 'body'>): SimResponse | null {
    const { missing } = this.state(req.tenantId);
    if (missing.size === 0) return null;
    const method = req.method.toUpperCase();
    if (method === 'POST' && /^\/subscriptions\/?$/i.test(req.path)) {
      const permission = subscriptionPermission(req.body);
      return permission !== null && missing.has(permission.toLowerCase()) ? subscriptionRefusal() : null;
    }
    for (const [m, pattern, permission] of ROUTE_PERMISSIONS) {
      if (m === method && pattern.test(req.path) && missing.has(permission.toLowerCase())) {
        return graphError(
          403,
          'Authorization_RequestDenied',
          'Insufficient privileges to complete the operation.',
        );
      }
    }
    return null;
  }
}
