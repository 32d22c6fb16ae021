/**
 * The directory audit records one license activity leaves: a "Change user license" and an "Update user" with the
 * same correlationId (graph-samples directory-audit-*.json). AssignedLicense old/new values are the FULL sets before
 * and after, each license a .NET-ToString-style string inside a JSON-encoded array, exactly as the samples show;
 * which of the two records carries that detail is a tenant setting (README §7: it moved over time).
 */
import type { AssignedLicense } from '../../glossary';
import { sevenDigitTime } from './graph-time';

export type AuditInitiator =
  | {
      user: { id: string; displayName: null; userPrincipalName: string; ipAddress: string; userType: null; homeTenantId: null; homeTenantName: null };
      app: null;
    }
  | { app: { appId: string; displayName: string; servicePrincipalId: string; servicePrincipalName: null }; user: null };

export interface LicenseActivityInput {
  tenantId: string;
  correlationId: string;
  atMs: number;
  user: { id: string; userPrincipalName: string };
  before: AssignedLicense[];
  after: AssignedLicense[];
  /** Plans the user holds before and after, for AssignedPlan. */
  plansBefore: AssignedPlanEntry[];
  plansAfter: AssignedPlanEntry[];
  initiatedBy: AuditInitiator;
  detailOn: 'update-user' | 'change-user-license';
  skuPartNumber: (skuId: string) => string;
  /** The number in the record id (`Directory_{correlationId}_7KQPN_{n}`); consecutive for the pair. */
  sequence: number;
}

export interface AssignedPlanEntry {
  SubscribedPlanId: string;
  ServiceInstance: string;
  CapabilityStatus: number;
  AssignedTimestamp: string;
  InitialState: null;
  Capability: null;
  ServicePlanId: string;
}

export type AuditRecord = Record<string, unknown> & { id: string; correlationId: string; activityDateTime: string };

export function licenseText(tenantId: string, license: AssignedLicense, skuPartNumber: string): string {
  return `[SkuName=${skuPartNumber}, AccountId=${tenantId}, SkuId=${license.skuId}, DisabledPlans=[${license.disabledPlans.join(', ')}]]`;
}

export function licenseAuditRecords(input: LicenseActivityInput): [AuditRecord, AuditRecord] {
  const licenses = (set: AssignedLicense[]) =>
    JSON.stringify(set.map((l) => licenseText(input.tenantId, l, input.skuPartNumber(l.skuId))));
  const detail = [
    { displayName: 'AssignedLicense', oldValue: licenses(input.before), newValue: licenses(input.after) },
    { displayName: 'AssignedPlan', oldValue: JSON.stringify(input.plansBefore), newValue: JSON.stringify(input.plansAfter) },
    { displayName: 'Included Updated Properties', oldValue: null, newValue: '"AssignedLicense, AssignedPlan"' },
    { displayName: 'TargetId.UserType', oldValue: null, newValue: '"Member"' },
  ];
  const record = (name: string, offsetMs: number, n: number, modifiedProperties: unknown[]): AuditRecord => ({
    id: `Directory_${input.correlationId}_7KQPN_${n}`,
    category: 'UserManagement',
    correlationId: input.correlationId,
    result: 'success',
    resultReason: '',
    activityDisplayName: name,
    activityDateTime: sevenDigitTime(input.atMs + offsetMs),
    loggedByService: 'Core Directory',
    operationType: 'Update',
    initiatedBy: input.initiatedBy,
    targetResources: [
      {
        id: input.user.id,
        displayName: null,
        type: 'User',
        userPrincipalName: input.user.userPrincipalName,
        groupType: null,
        modifiedProperties,
      },
    ],
    additionalDetails: [{ key: 'UserType', value: 'Member' }],
  });
  const onChange = input.detailOn === 'change-user-license';
  return [
    record('Change user license', 0, input.sequence, onChange ? detail : []),
    // The "Update user" follows by a few milliseconds (the samples: .8834120 then .9012567).
    record('Update user', 18, input.sequence + 1, onChange ? detail.slice(2) : detail),
  ];
}

/** The admin who runs scenario steps, and the engine that applies group-based licensing. */
export function adminInitiator(tenantDomain: string): AuditInitiator {
  return {
    user: {
      id: 'f2a9c7e1-4b3d-4e8f-a6c2-9d1b0e7f3a58',
      displayName: null,
      userPrincipalName: `admin@${tenantDomain}`,
      ipAddress: '203.0.113.24',
      userType: null,
      homeTenantId: null,
      homeTenantName: null,
    },
    app: null,
  };
}

export const GROUP_BASED_LICENSING_INITIATOR: AuditInitiator = {
  app: {
    appId: '00000000-0000-0000-0000-000000000000',
    displayName: 'Microsoft Azure AD Group-Based Licensing',
    servicePrincipalId: '00000000-0000-0000-0000-000000000000',
    servicePrincipalName: null,
  },
  user: null,
};
