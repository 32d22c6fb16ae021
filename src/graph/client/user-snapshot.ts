/** Graph's user (wire shape) → ra-watch's UserSnapshot (glossary). */
import type { IsoTime, TenantId, UserId, UserSnapshot } from '../../glossary';
import type { DeltaUser, GraphUser } from '../wire-schemas';

/** Every property the rules need; `licenseAssignmentStates` is returned only when selected. */
export const USER_SELECT =
  'id,displayName,userPrincipalName,accountEnabled,department,assignedLicenses,licenseAssignmentStates';
/** Delta does not track licenseAssignmentStates (DOMAIN.md §5): select what it does track. */
export const DELTA_SELECT = 'id,displayName,userPrincipalName,accountEnabled,department,assignedLicenses';

export function toUserSnapshot(tenantId: TenantId, user: GraphUser, observedAt: IsoTime): UserSnapshot {
  return {
    tenantId,
    userId: user.id,
    displayName: user.displayName,
    userPrincipalName: user.userPrincipalName,
    accountEnabled: user.accountEnabled,
    department: user.department,
    assignedLicenses: user.assignedLicenses.map((l) => ({
      skuId: l.skuId,
      disabledPlans: [...l.disabledPlans],
    })),
    licenseAssignmentStates: user.licenseAssignmentStates.map((s) => ({
      skuId: s.skuId,
      disabledPlans: [...s.disabledPlans],
      assignedByGroup: s.assignedByGroup,
      state: s.state,
      error: s.error,
    })),
    deleted: false,
    observedAt,
  };
}

/** Graph answered 404: the user is gone (or soft-deleted). */
export function deletedSnapshot(tenantId: TenantId, userId: UserId, observedAt: IsoTime): UserSnapshot {
  return {
    tenantId,
    userId,
    displayName: null,
    userPrincipalName: null,
    accountEnabled: null,
    department: null,
    assignedLicenses: [],
    licenseAssignmentStates: [],
    deleted: true,
    observedAt,
  };
}

/** A delta item that is not a removal. licenseAssignmentStates is empty: delta does not carry it. */
export function deltaSnapshot(tenantId: TenantId, user: DeltaUser, observedAt: IsoTime): UserSnapshot {
  return {
    tenantId,
    userId: user.id,
    displayName: user.displayName ?? null,
    userPrincipalName: user.userPrincipalName ?? null,
    accountEnabled: user.accountEnabled ?? null,
    department: user.department ?? null,
    assignedLicenses: (user.assignedLicenses ?? []).map((l) => ({
      skuId: l.skuId,
      disabledPlans: [...l.disabledPlans],
    })),
    licenseAssignmentStates: [],
    deleted: false,
    observedAt,
  };
}
