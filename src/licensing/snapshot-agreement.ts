/**
 * Whether two reads of one user agree on everything the rules look at: licenses (SKU and switched-off plans),
 * whether the account is enabled, its department (identification by convention) and whether it is deleted.
 * Display name and UPN changes do not change a verdict, and delta does not track licenseAssignmentStates, so neither
 * is compared. Used to skip re-reading users a delta pass reports but the store already knows as they are.
 */
import type { AssignedLicense, UserSnapshot } from '../glossary';

export function snapshotsAgreeOnLicensing(a: UserSnapshot, b: UserSnapshot): boolean {
  return (
    a.deleted === b.deleted &&
    a.accountEnabled === b.accountEnabled &&
    (a.department ?? null) === (b.department ?? null) &&
    licenseKey(a.assignedLicenses) === licenseKey(b.assignedLicenses)
  );
}

function licenseKey(licenses: readonly AssignedLicense[]): string {
  return licenses
    .map(
      (l) =>
        `${l.skuId.toLowerCase()}[${l.disabledPlans
          .map((p) => p.toLowerCase())
          .sort()
          .join(',')}]`,
    )
    .sort()
    .join(';');
}
