/**
 * Licenses, grants and activities as JSON evidence: every SKU named by part number as well as id, so an admin can read
 * the alert without a lookup table, and every group named when group-based licensing brought the license.
 */
import type { AssignedLicense, Json, LicenseActivity, LicenseAssignmentState, PlanGrant } from '../glossary';
import type { LicenseCatalog } from '../licensing/license-catalog';

export function grantsEvidence(grants: readonly PlanGrant[]): Json[] {
  return grants.map((grant) => ({
    skuId: grant.skuId,
    skuPartNumber: grant.skuPartNumber,
    servicePlanName: grant.servicePlanName,
    assignedByGroup: grant.assignedByGroup,
  }));
}

export function licensesEvidence(licenses: readonly AssignedLicense[], catalog: LicenseCatalog): Json[] {
  return licenses.map((license) => ({
    skuId: license.skuId,
    skuPartNumber: catalog.skuPartNumber(license.skuId),
    disabledPlans: [...license.disabledPlans],
  }));
}

/** Assignments that did not apply (a group license that failed with CountViolation, say): often the real cause. */
export function failedAssignmentsEvidence(
  states: readonly LicenseAssignmentState[],
  catalog: LicenseCatalog,
): Json[] {
  return states
    .filter((state) => state.state === 'Error' || state.error !== null)
    .map((state) => ({
      skuId: state.skuId,
      skuPartNumber: catalog.skuPartNumber(state.skuId),
      assignedByGroup: state.assignedByGroup,
      state: state.state,
      error: state.error,
    }));
}

export function activityEvidence(role: string, activity: LicenseActivity, catalog: LicenseCatalog): Json {
  const named = (skuIds: readonly string[]): Json[] =>
    skuIds.map((skuId) => ({ skuId, skuPartNumber: catalog.skuPartNumber(skuId) }));
  return {
    role,
    activityId: activity.activityId,
    at: activity.at,
    initiatedBy: activity.initiatedBy,
    addedSkus: named(activity.addedSkuIds),
    removedSkus: named(activity.removedSkuIds),
    auditRecordIds: [...activity.auditRecordIds],
  };
}

/** "ENTERPRISEPREMIUM and MCOCAP": the distinct SKUs behind some grants, by part number when known. */
export function skuNames(grants: readonly PlanGrant[]): string {
  const names = [...new Set(grants.map((grant) => grant.skuPartNumber ?? grant.skuId))];
  return names.length <= 1
    ? (names[0] ?? '')
    : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1] ?? ''}`;
}
