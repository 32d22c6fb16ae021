/**
 * A user object as the simulator keeps it, and the license arithmetic on it: direct assignments plus what licensing
 * groups bring in, the way Entra reports them in `assignedLicenses` and `licenseAssignmentStates`.
 */
import type { AssignedLicense } from '../../glossary';
import { RESOURCE_ACCOUNT_DEPARTMENT, type ParsedSeedUser } from './tenant-seed';

export interface GroupLicenseState {
  groupId: string;
  skuId: string;
  disabledPlans: string[];
  /** Active, or Error when the group could not assign it (no seat left: CountViolation). */
  state: 'Active' | 'Error';
  error: 'None' | 'CountViolation';
  lastUpdatedDateTime: string;
}

export interface DirectLicense extends AssignedLicense {
  lastUpdatedDateTime: string;
}

export interface PlanGrant {
  servicePlanId: string;
  subscribedPlanId: string;
  assignedDateTime: string;
  capabilityStatus: 'Enabled' | 'Deleted';
}

export interface SimUser {
  id: string;
  userPrincipalName: string;
  displayName: string;
  accountEnabled: boolean;
  department: string | null;
  jobTitle: string | null;
  usageLocation: string | null;
  directLicenses: DirectLicense[];
  groupLicenses: GroupLicenseState[];
  resourceAccount: { application: 'auto-attendant' | 'call-queue'; telephoneNumber: string | null } | null;
  /** Teams' accountType when the seed set one (tenant-seed.ts); otherwise resourceAccount or user. */
  teamsAccountType?: string;
  /** Plans ever granted, for `assignedPlans` (removed ones stay listed as Deleted, as in user-with-licenses.json). */
  planGrants: Map<string, PlanGrant>;
  createdDateTime: string;
  modifiedDateTime: string;
  /** Soft-deleted (restorable) or permanently deleted: either way gone from GET, 404. */
  deleted: 'soft' | 'permanent' | null;
  /** Sync sequence numbers for delta: when the user appeared, and when it last changed. */
  createdSeq: number;
  changeSeq: number;
}

/** `assignedLicenses`: direct assignments, then group licenses that applied (a failed one is absent). */
export function effectiveLicenses(user: SimUser): AssignedLicense[] {
  const result: AssignedLicense[] = user.directLicenses.map((l) => ({
    skuId: l.skuId,
    disabledPlans: [...l.disabledPlans],
  }));
  for (const g of user.groupLicenses) {
    if (g.state !== 'Active' || result.some((l) => l.skuId === g.skuId)) continue;
    result.push({ skuId: g.skuId, disabledPlans: [...g.disabledPlans] });
  }
  return result;
}

/** `licenseAssignmentStates`: one entry per direct assignment and per group assignment, failed ones included. */
export function licenseAssignmentStates(user: SimUser): Array<Record<string, unknown>> {
  return [
    ...user.directLicenses.map((l) => ({
      assignedByGroup: null,
      disabledPlans: [...l.disabledPlans],
      error: 'None',
      lastUpdatedDateTime: l.lastUpdatedDateTime,
      skuId: l.skuId,
      state: 'Active',
    })),
    ...user.groupLicenses.map((g) => ({
      assignedByGroup: g.groupId,
      disabledPlans: [...g.disabledPlans],
      error: g.error,
      lastUpdatedDateTime: g.lastUpdatedDateTime,
      skuId: g.skuId,
      state: g.state,
    })),
  ];
}

/** Whether the user holds the SKU (an applied assignment, direct or inherited). */
export function holdsSku(user: SimUser, skuId: string): boolean {
  return effectiveLicenses(user).some((l) => l.skuId === skuId);
}

/** A user from its seed, at sync sequence `seq` (plans are filled in by the tenant, which knows the SKUs). */
export function newSimUser(seed: ParsedSeedUser, createdDateTime: string, seq: number): SimUser {
  const ra = seed.resourceAccount;
  return {
    id: seed.id.toLowerCase(),
    userPrincipalName: seed.userPrincipalName,
    displayName: seed.displayName,
    // Resource accounts are disabled user objects in the "Microsoft Communication Application Instance" department.
    accountEnabled: seed.accountEnabled ?? ra === null,
    department:
      seed.department !== undefined ? seed.department : ra !== null ? RESOURCE_ACCOUNT_DEPARTMENT : null,
    jobTitle: seed.jobTitle,
    usageLocation: seed.usageLocation,
    directLicenses: seed.assignedLicenses.map((l) => ({
      skuId: l.skuId.toLowerCase(),
      disabledPlans: l.disabledPlans.map((p) => p.toLowerCase()),
      lastUpdatedDateTime: createdDateTime.replace(/\.\d{3}Z$/, 'Z'),
    })),
    groupLicenses: [],
    resourceAccount: ra,
    ...(seed.teamsAccountType === undefined ? {} : { teamsAccountType: seed.teamsAccountType }),
    planGrants: new Map(),
    createdDateTime,
    modifiedDateTime: createdDateTime,
    deleted: null,
    createdSeq: seq,
    changeSeq: seq,
  };
}
