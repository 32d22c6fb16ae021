/**
 * The Graph calls ra-watch makes, each as the cheapest call that needs the same application permission (one item,
 * one property), with that permission: Graph knowledge, in one list, so `ra-watch doctor` (doctor/graph-checks.ts)
 * and `tenants check` (tenants/permission-probe.ts) learn from real answers which permissions a tenant granted and
 * never disagree on what it must grant. Graph's 403 does not name the missing permission: these do. The permissions
 * are the ones README asks admins to grant.
 */

export interface GraphProbe {
  /** For people and for `--json`: "users read", "directory audits". */
  name: string;
  /** Below /v1.0. */
  path: string;
  /** The application permission the call needs; null when it needs none of its own. */
  permission: string | null;
  /** Why ra-watch needs it: said next to a refusal so the admin knows what breaks without it. */
  why: string;
}

export const GRAPH_PROBES: readonly GraphProbe[] = [
  {
    name: 'users read',
    path: '/users?$top=1&$select=id',
    permission: 'User.Read.All',
    why: "reads each changed user's licenses (and subscribes to users)",
  },
  {
    name: 'subscribed SKUs',
    // Graph also accepts LicenseAssignment.Read.All here (subscribedsku-list); README names Organization.Read.All.
    path: '/subscribedSkus',
    permission: 'Organization.Read.All',
    why: "names the tenant's licenses and counts the free resource-account allocation",
  },
  {
    name: 'directory audits',
    path: '/auditLogs/directoryAudits?$top=1',
    permission: 'AuditLog.Read.All',
    why: 'tells a one-operation license swap from a non-atomic one',
  },
  {
    name: 'Teams user configurations',
    path: '/admin/teams/userConfigurations?$top=1',
    permission: 'TeamsUserConfiguration.Read.All',
    why: 'recognises resource accounts even when they hold no license',
  },
  {
    name: 'groups',
    path: '/groups?$top=1&$select=id',
    permission: 'Group.Read.All',
    why: 'subscribes to group membership changes (group-based licensing)',
  },
  {
    // Listing needs no permission of its own: it answers with the subscriptions this app created.
    name: 'subscriptions list',
    path: '/subscriptions',
    permission: null,
    why: 'creates and renews its change-notification subscriptions',
  },
];
