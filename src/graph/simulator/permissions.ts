/**
 * Application permissions the simulated app registration lacks, so a client (ra-watch's `doctor`, the reader's error
 * messages) can be tested against an app whose admin consent is incomplete. A request to a route whose permission is
 * denied answers Graph's 403 for a missing permission: `Authorization_RequestDenied`, "Insufficient privileges to
 * complete the operation." (https://learn.microsoft.com/en-us/graph/resolve-auth-errors, 403 Forbidden; the code and
 * message as Graph sends them for directory resources, https://learn.microsoft.com/en-us/graph/errors). Graph's 403
 * never names the permission: neither does this one. The Teams admin API and the audit log are documented to answer
 * 403 too; that they use the same code there is UNCONFIRMED (the simulator uses one form for every route).
 *
 * Each route needs one permission here, the one ra-watch asks admins to grant (README): where Graph accepts several
 * (subscribedSkus takes Organization.Read.All or LicenseAssignment.Read.All), the one named is the one denied.
 */
import { graphError } from './graph-error';
import type { SimResponse } from './sim-exchange';

/** Route (method + path below /v1.0) → the application permission Graph needs for it (from each API's page). */
const ROUTE_PERMISSIONS: Array<[method: string, path: RegExp, permission: string]> = [
  // https://learn.microsoft.com/en-us/graph/api/user-list, user-get, user-delta: User.Read.All
  ['GET', /^\/users(\/delta(\(\))?)?$/i, 'User.Read.All'],
  ['GET', /^\/users\/[^/]+$/i, 'User.Read.All'],
  // https://learn.microsoft.com/en-us/graph/api/user-assignlicense: LicenseAssignment.ReadWrite.All (least privileged)
  ['POST', /^\/users\/[^/]+\/assignLicense$/i, 'LicenseAssignment.ReadWrite.All'],
  // https://learn.microsoft.com/en-us/graph/api/subscribedsku-list: Organization.Read.All (or LicenseAssignment.Read.All)
  ['GET', /^\/subscribedSkus$/i, 'Organization.Read.All'],
  // https://learn.microsoft.com/en-us/graph/api/directoryaudit-list: AuditLog.Read.All
  ['GET', /^\/auditLogs\/directoryAudits$/i, 'AuditLog.Read.All'],
  // https://learn.microsoft.com/en-us/graph/api/teamsadministration-teamsadminroot-list-userconfigurations
  ['GET', /^\/admin\/teams\/userConfigurations(\/[^/]+)?$/i, 'TeamsUserConfiguration.Read.All'],
  // https://learn.microsoft.com/en-us/graph/api/group-list: Group.Read.All (what README asks for)
  ['GET', /^\/groups$/i, 'Group.Read.All'],
];

/** The permission a request needs, or null when the simulator asks none (subscriptions, $batch itself). */
export function permissionFor(method: string, path: string): string | null {
  for (const [m, pattern, permission] of ROUTE_PERMISSIONS)
    if (m === method.toUpperCase() && pattern.test(path)) return permission;
  return null;
}

export class DeniedPermissions {
  private denied = new Set<string>();

  constructor(initial: readonly string[] = []) {
    this.set(initial);
  }

  /** Replace the denied set (an empty list grants everything again). Names compare case-insensitively. */
  set(permissions: readonly string[]): void {
    this.denied = new Set(permissions.map((p) => p.toLowerCase()));
  }

  list(): string[] {
    return [...this.denied];
  }

  /** Graph's 403 when the request's permission is denied, else null (route it). */
  refusal(method: string, path: string): SimResponse | null {
    const permission = permissionFor(method, path);
    if (permission === null || !this.denied.has(permission.toLowerCase())) return null;
    return graphError(
      403,
      'Authorization_RequestDenied',
      'Insufficient privileges to complete the operation.',
    );
  }
}
