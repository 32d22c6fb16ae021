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
      user: {
        id: string;
        displayName: null;
        userPrincipalName: string;
        ipAddress: string;
        userType: null;
        homeTenantId: null;
        homeTenantName: null;
      };
      app: null;
    }
  | {
      app: { appId: string; displayName: string; servicePrincipalId: string; servicePrincipalName: null };
      user: null;
    };

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
  /** Split the detail-carrying record into "sequence" parts when its modifiedProperties exceed this many characters. */
  splitAbove: number | null;
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

export type AuditRecord = Record<string, unknown> & {
  id: string;
  correlationId: string;
  activityDateTime: string;
};

export function licenseText(tenantId: string, license: AssignedLicense, skuPartNumber: string): string {
  return `[SkuName=${skuPartNumber}, AccountId=${tenantId}, SkuId=${license.skuId}, DisabledPlans=[${license.disabledPlans.join(', ')}]]`;
}

export function licenseAuditRecords(input: LicenseActivityInput): AuditRecord[] {
  const licenses = (set: AssignedLicense[]) =>
    JSON.stringify(set.map((l) => licenseText(input.tenantId, l, input.skuPartNumber(l.skuId))));
  const detail = [
    { displayName: 'AssignedLicense', oldValue: licenses(input.before), newValue: licenses(input.after) },
    {
      displayName: 'AssignedPlan',
      oldValue: JSON.stringify(input.plansBefore),
      newValue: JSON.stringify(input.plansAfter),
    },
    {
      displayName: 'Included Updated Properties',
      oldValue: null,
      newValue: '"AssignedLicense, AssignedPlan"',
    },
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
  const change = record('Change user license', 0, input.sequence, onChange ? detail : []);
  // The "Update user" follows by a few milliseconds (the samples: .8834120 then .9012567).
  const update = record('Update user', 18, input.sequence + 1, onChange ? detail.slice(2) : detail);
  const payload = JSON.stringify(detail);
  if (input.splitAbove === null || payload.length <= input.splitAbove) return [change, update];
  const parts = splitIntoSequence(onChange ? change : update, payload, input.splitAbove);
  return onChange ? [...parts, update] : [change, ...parts];
}

/**
 * Entra's "sequence" records for a large change (README §7, michev.info): the parts share an id, carry no
 * modifiedProperties, and hold `seq` (part number), `c` (part count) and `b` (a fragment of the escaped JSON
 * payload). Their place in a Graph v1.0 record is UNCONFIRMED; they sit in additionalDetails here, the likely place.
 */
function splitIntoSequence(whole: AuditRecord, payload: string, size: number): AuditRecord[] {
  const fragments: string[] = [];
  for (let i = 0; i < payload.length; i += size) fragments.push(payload.slice(i, i + size));
  const sequenceId = whole.id;
  return fragments.map((fragment, i) => {
    const targets = whole['targetResources'] as Array<Record<string, unknown>>;
    return {
      ...whole,
      id: `${whole.id}_${i + 1}`,
      targetResources: targets.map((t) => ({ ...t, modifiedProperties: [] })),
      additionalDetails: [
        { key: 'UserType', value: 'Member' },
        { key: 'id', value: sequenceId },
        { key: 'seq', value: String(i + 1) },
        { key: 'c', value: String(fragments.length) },
        { key: 'b', value: fragment },
      ],
    };
  });
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
