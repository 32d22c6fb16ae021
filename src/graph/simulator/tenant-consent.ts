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
 * Every seeded tenant starts consented with every permission.
 */
import { graphError } from './graph-error';
import type { SimResponse } from './sim-exchange';

/** Which application permission each route ra-watch calls needs (least privileged, from each API page). */
const ROUTE_PERMISSIONS: ReadonlyArray<[method: string, path: RegExp, permission: string]> = [
  ['GET', /^\/organization/i, 'Organization.Read.All'],
  ['GET', /^\/subscribedSkus/i, 'Organization.Read.All'],
  ['GET', /^\/users/i, 'User.Read.All'],
  ['GET', /^\/groups/i, 'Group.Read.All'],
  ['GET', /^\/auditLogs\/directoryAudits/i, 'AuditLog.Read.All'],
  ['GET', /^\/admin\/teams\/userConfigurations/i, 'TeamsUserConfiguration.Read.All'],
  // Creating a users subscription needs the permission that reads users.
  ['POST', /^\/subscriptions$/i, 'User.Read.All'],
];

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
    state.missing = new Set(options.missing ?? []);
  }

  /** The app's service principal is deleted from the tenant (consent revoked). */
  revoke(tenantId: string): void {
    this.state(tenantId).granted = false;
  }

  isGranted(tenantId: string): boolean {
    return this.state(tenantId).granted;
  }

  /** Graph's 403 when the route needs a permission the tenant's consent lacks; null when it may proceed. */
  refusal(tenantId: string, method: string, path: string): SimResponse | null {
    const { missing } = this.state(tenantId);
    if (missing.size === 0) return null;
    for (const [m, pattern, permission] of ROUTE_PERMISSIONS) {
      if (m === method && pattern.test(path) && missing.has(permission)) {
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
