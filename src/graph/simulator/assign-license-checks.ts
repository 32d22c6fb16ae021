/**
 * Graph's refusals of `assignLicense`, checked before anything changes (one call applies all of it or none): an
 * unknown SKU, a user without usageLocation, removing what the user does not hold or holds through a group, a
 * disabled plan that is not in the SKU, no seat left. Messages as Graph words them.
 */
import type { AssignedLicense } from '../../glossary';
import { GraphOperationError } from './graph-operation-error';
import { holdsSku, type SimUser } from './sim-user';
import type { ParsedTenantSeed } from './tenant-seed';

export type SimSku = ParsedTenantSeed['skus'][number] & { subscriptionId: string };

export interface LicenseRequest {
  /** Lower-cased SKU and plan ids. */
  add: AssignedLicense[];
  remove: string[];
}

export function checkLicenseRequest(
  skus: ReadonlyMap<string, SimSku>,
  consumedUnits: (skuId: string) => number,
  user: SimUser,
  { add, remove }: LicenseRequest,
): void {
  for (const skuId of [...add.map((l) => l.skuId), ...remove]) {
    if (!skus.has(skuId))
      throw new GraphOperationError(
        400,
        'Request_BadRequest',
        `License ${skuId} does not correspond to a valid company License.`,
      );
  }
  if (add.length > 0 && user.usageLocation === null)
    throw new GraphOperationError(
      400,
      'Request_BadRequest',
      'License assignment cannot be done for user with invalid usage location.',
    );
  for (const skuId of remove) {
    if (user.directLicenses.some((l) => l.skuId === skuId)) continue;
    if (user.groupLicenses.some((g) => g.skuId === skuId))
      throw new GraphOperationError(
        400,
        'Request_BadRequest',
        'User license is inherited from a group membership and it cannot be removed directly from the user.',
      );
    throw new GraphOperationError(
      400,
      'Request_BadRequest',
      `User does not have a corresponding license ${skuId}.`,
    );
  }
  for (const license of add) {
    const sku = skus.get(license.skuId);
    const unknownPlan = license.disabledPlans.find(
      (p) => !sku?.servicePlans.some((sp) => sp.servicePlanId.toLowerCase() === p),
    );
    if (unknownPlan !== undefined)
      throw new GraphOperationError(
        400,
        'Request_BadRequest',
        `Invalid value specified for property 'disabledPlans' of resource 'AssignedLicense': plan ${unknownPlan} is not part of SKU ${license.skuId}.`,
      );
    const seatNeeded = !holdsSku(user, license.skuId) && !remove.includes(license.skuId);
    if (seatNeeded && sku && consumedUnits(license.skuId) >= sku.prepaidUnits)
      throw new GraphOperationError(
        400,
        'Request_BadRequest',
        `Subscription for license ${license.skuId} (${sku.skuPartNumber}) does not have any available licenses.`,
      );
  }
}
