/**
 * The glossary: ra-watch's own terms, in one place. Every stage of the pipeline speaks these types;
 * Graph's wire shapes live in `graph/wire-schemas.ts` and are translated into these at the edge.
 *
 * Times are ISO-8601 strings in UTC (`2025-03-04T10:21:47.000Z`) so that every type here is plain JSON:
 * it can be stored, queued and replayed without a custom serializer.
 */

/** A Microsoft Entra tenant id (GUID). Every stored row carries one: an MSP runs many tenants in one install. */
export type TenantId = string;
/** A user object id (GUID). Resource accounts are user objects too. */
export type UserId = string;
/** An ISO-8601 UTC timestamp. */
export type IsoTime = string;

/** One license on a user, as `user.assignedLicenses[]`: a SKU with some of its service plans switched off. */
export interface AssignedLicense {
  skuId: string;
  /** Service plan ids switched off for this user. A plan listed here is *not* granted by this SKU. */
  disabledPlans: string[];
}

/** How a license reached the user (`user.licenseAssignmentStates[]`): directly or through a group, and whether it applied. */
export interface LicenseAssignmentState {
  skuId: string;
  disabledPlans: string[];
  /** The group that carries the license (group-based licensing), or null when assigned directly. */
  assignedByGroup: string | null;
  /** Active, ActiveWithError, Disabled, Error. */
  state: string;
  /** null on success; live tenants also send the string "None", normalised to null at the edge. */
  error: string | null;
}

/** What ra-watch knows of one user at one moment: the input to the diff and to the rules. */
export interface UserSnapshot {
  tenantId: TenantId;
  userId: UserId;
  displayName: string | null;
  userPrincipalName: string | null;
  accountEnabled: boolean | null;
  department: string | null;
  assignedLicenses: AssignedLicense[];
  licenseAssignmentStates: LicenseAssignmentState[];
  /** True when Graph answered 404 (or a `deleted` notification/delta `@removed` said so). */
  deleted: boolean;
  /** When ra-watch read this state from Graph. */
  observedAt: IsoTime;
}

/** A service plan inside a tenant's SKU (`subscribedSkus[].servicePlans[]`). */
export interface ServicePlan {
  servicePlanId: string;
  servicePlanName: string;
}

/** One SKU the tenant has bought (`subscribedSkus[]`), reduced to what the rules and the allocation need. */
export interface SubscribedSku {
  skuId: string;
  skuPartNumber: string;
  capabilityStatus: string;
  /** Purchased seats that are usable (`prepaidUnits.enabled`). */
  enabledUnits: number;
  consumedUnits: number;
  servicePlans: ServicePlan[];
}

/** A service plan a user actually has enabled, with the SKU that brought it in (named in evidence). */
export interface PlanGrant {
  servicePlanId: string;
  servicePlanName: string;
  skuId: string;
  /** The SKU's part number (`MCOEV`, `ENTERPRISEPREMIUM`...) when the tenant's catalog knows it. */
  skuPartNumber: string | null;
  /** The group that assigned it, when group-based licensing did. */
  assignedByGroup: string | null;
}

/** How an account was recognised as a resource account, strongest first (DOMAIN.md §4). */
export type IdentificationSource =
  | 'registry' // the admin's explicit registry: always wins
  | 'teams-user-configuration' // Graph admin/teams/userConfigurations accountType = resourceAccount
  | 'application-instance' // bound to the auto attendant or call queue application id
  | 'convention'; // disabled account with department "Microsoft Communication Application Instance", or holds MCOEV_VIRTUALUSER

/** A Teams Phone resource account (the user object behind an auto attendant or call queue). */
export interface ResourceAccount {
  tenantId: TenantId;
  userId: UserId;
  identifiedBy: IdentificationSource;
  /** What exactly decided (for example `accountType=resourceAccount`, or the registry note). */
  detail: string;
  /** Which application it serves, when known. */
  application: 'auto-attendant' | 'call-queue' | 'unknown';
}

/**
 * One license operation on one user, as the directory audit log records it ("Change user license", paired with
 * "Update user" by correlation id). One Graph `assignLicense` call is one activity, whatever it adds and removes.
 */
export interface LicenseActivity {
  /** The audit `correlationId`: the identity of the operation. */
  activityId: string;
  tenantId: TenantId;
  userId: UserId;
  at: IsoTime;
  /** Who did it: a UPN, an app name, or null when the record does not say. */
  initiatedBy: string | null;
  /** SKUs present after but not before. */
  addedSkuIds: string[];
  /** SKUs present before but not after. */
  removedSkuIds: string[];
  /** The audit record ids that make up this activity (evidence). */
  auditRecordIds: string[];
}

/** Where a change was learned from. */
export interface ChangeSource {
  kind: 'notification' | 'delta' | 'audit' | 'baseline' | 'follow-up' | 'replay';
  subscriptionId: string | null;
  /** The queue message / notification identity that triggered the read, for tracing. */
  messageId: string | null;
}

/** The event-log entry: what changed on one user between two reads. Append-only. */
export interface LicenseChange {
  tenantId: TenantId;
  userId: UserId;
  /** The previous snapshot, or null the first time ra-watch sees the user. */
  before: UserSnapshot | null;
  after: UserSnapshot;
  addedSkuIds: string[];
  removedSkuIds: string[];
  /** When ra-watch received the trigger. */
  receivedAt: IsoTime;
  /** When Graph says the change happened, when known (audit activity time). */
  graphTime: IsoTime | null;
  source: ChangeSource;
  /** The license activities that explain this change, when the audit log has been read. */
  activities: LicenseActivity[];
}

export type Severity = 'critical' | 'warning' | 'info';

export type RuleId =
  | 'ra.unlicensed'
  | 'ra.license-on-user'
  | 'ra.standard-on-ra'
  | 'ra.non-atomic-swap'
  | 'ra.allocation-exceeded'
  | 'ra.allocation-unclaimed'
  /** About ra-watch itself: it cannot watch the tenant right now (issue 19), and why. */
  | 'watch.blind';

/** What a finding is about: one account, or the tenant as a whole (allocation rules). */
export type FindingSubject =
  | {
      kind: 'user';
      tenantId: TenantId;
      userId: UserId;
      displayName: string | null;
      userPrincipalName: string | null;
    }
  | { kind: 'tenant'; tenantId: TenantId };

/** A JSON value, for evidence that must survive storage and replay unchanged. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** A rule's verdict: something is wrong, with the proof, why it matters and how to fix it. */
export interface Finding {
  ruleId: RuleId;
  severity: Severity;
  subject: FindingSubject;
  /** One line an admin reads first: "Sales Queue has no Teams Phone Resource Account license". */
  title: string;
  /** The facts that prove it (licenses, granting SKUs, activities, counts). */
  evidence: { [key: string]: Json };
  whyItMatters: string;
  /** Steps an admin can follow, in order. */
  remediation: string[];
  /**
   * Stable identity of this problem: the same problem found again has the same key (so it never alerts twice),
   * a different problem never shares one. Built from rule id, tenant and subject (and activity ids for swaps).
   */
  dedupeKey: string;
}

/** One SKU counted toward the free allocation, for the counting basis shown to admins. */
export interface AllocationBasisLine {
  skuId: string;
  skuPartNumber: string;
  enabledUnits: number;
}

/** The tenant's resource-account license allocation (DOMAIN.md §2). */
export interface Allocation {
  /** Seats of every SKU that contains the MCOEV plan (the RA SKU itself excluded). */
  qualifyingLicenses: number;
  /** 0 with no qualifying license; otherwise 25 + floor(qualifying / 10). */
  freeAllocation: number;
  /** Resource accounts that need a license. */
  needed: number;
  /** Resource-account licenses bought (enabled units of PHONESYSTEM_VIRTUALUSER), when known. */
  purchasedRaLicenses: number | null;
  /** Licenses beyond the free allocation that cost money: max(0, needed - freeAllocation). */
  toBuy: number;
  /** Free seats still to be "bought" at $0: max(0, min(needed, free) - purchased); null when purchases are unknown. */
  unclaimed: number | null;
  basis: AllocationBasisLine[];
  /** The counting basis in words, so an admin can check it. */
  basisText: string;
}

/**
 * Which alerts an evaluation speaks for: open alerts of these rules on this subject that the evaluation did not
 * find again are resolved. Event-shaped rules (the non-atomic swap) are left out of `ruleIds` by the worker so
 * that a later, clean evaluation does not "resolve" an incident that happened.
 */
export interface EvaluationScope {
  tenantId: TenantId;
  /** null: the tenant-level rules (allocation). */
  userId: UserId | null;
  ruleIds: RuleId[];
}

/** An alert is open while its problem is found, resolved once an evaluation in scope no longer finds it. */
export type AlertState = 'open' | 'resolved';

/**
 * A finding as an admin is told about it: opened once per dedupe key, kept open (last seen, count, latest finding)
 * while evaluations find it again, resolved when one in scope does not. A resolved alert is history; the same
 * problem found later opens a new alert. The life cycle is `alerts/plan-alert-changes.ts`.
 */
export interface Alert {
  id: string;
  tenantId: TenantId;
  dedupeKey: string;
  ruleId: RuleId;
  severity: Severity;
  /** Null for tenant-level findings (allocation). */
  userId: UserId | null;
  state: AlertState;
  /** The latest finding (title, evidence, why, remediation). */
  finding: Finding;
  firstSeenAt: IsoTime;
  lastSeenAt: IsoTime;
  /** How many evaluations found it while open. */
  seenCount: number;
  resolvedAt: IsoTime | null;
  acknowledgedAt: IsoTime | null;
  acknowledgedBy: string | null;
  acknowledgeReason: string | null;
  snoozedUntil: IsoTime | null;
  /** Event that first raised it, when there was one. */
  eventId: number | null;
  /** Raised by a replay with `deliver` (marked so an admin can tell). */
  replayed: boolean;
}

/** The message an alert change owes its sinks: one when it opens, one when it resolves (found again: none). */
export type OutboxKind = 'opened' | 'resolved';

/**
 * Which sinks (`slack`, `email`, `log`...) an alert's message goes to, decided when the outbox entry is written.
 * Built from configuration by `alerts/alert-routing.ts`; the store calls it inside the alert's transaction.
 */
export type Routing = (alert: Alert, kind: OutboxKind) => string[];
