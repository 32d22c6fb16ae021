/**
 * The free Teams Phone Resource Account license allocation (DOMAIN.md §2, Microsoft's "Teams Phone Resource Account
 * licenses" page): an organisation with any license that includes Teams Phone gets 25 free, plus 1 per 10 such
 * licenses (whole tens). With none it gets 0, not 25. Free seats still have to be "bought" at $0: Microsoft does not
 * add them by itself, which is why the unclaimed count matters.
 */
import type { Allocation, AllocationBasisLine, SubscribedSku } from '../glossary';
import { MCOEV_PLAN_ID, MCOEV_VIRTUALUSER_PLAN_ID, RA_SKU_ID, TEAMS_ROOMS_PART_NUMBER } from './catalog-data';
import { normaliseGuid, planMatches } from './plan-match';

const BASE_FREE = 25;
const QUALIFYING_PER_FREE_SEAT = 10;

export interface AllocationCounts {
  /** Seats of licenses that include Teams Phone (Standard, with Calling Plan, Shared Devices, suites such as E5). */
  qualifyingLicenses: number;
  /** Resource accounts (auto attendants and call queues) that need a license. */
  resourceAccounts: number;
  /** Teams Phone Resource Account licenses already bought, including the $0 ones; omit when unknown. */
  raLicensesPurchased?: number;
}

export function freeAllocationFor(qualifyingLicenses: number): number {
  return qualifyingLicenses === 0 ? 0 : BASE_FREE + Math.floor(qualifyingLicenses / QUALIFYING_PER_FREE_SEAT);
}

export function allocationFromCounts(counts: AllocationCounts): Allocation {
  requireCount('qualifyingLicenses', counts.qualifyingLicenses);
  requireCount('resourceAccounts', counts.resourceAccounts);
  if (counts.raLicensesPurchased !== undefined)
    requireCount('raLicensesPurchased', counts.raLicensesPurchased);
  return buildAllocation(
    counts.qualifyingLicenses,
    counts.resourceAccounts,
    counts.raLicensesPurchased ?? null,
    [],
    `counted ${counts.qualifyingLicenses} qualifying license(s) as given`,
  );
}

/**
 * From the tenant's subscribedSkus: qualifying = enabled seats of every SKU whose plans include MCOEV (the RA SKU
 * itself excluded); purchased = enabled seats of the SKUs carrying MCOEV_VIRTUALUSER. The tenant's list is complete,
 * so a tenant without an RA SKU has bought 0, not "unknown".
 */
export function allocationFromSkus(
  skus: readonly SubscribedSku[],
  resourceAccounts: number,
  options: { countTeamsRooms?: boolean } = {},
): Allocation {
  requireCount('resourceAccounts', resourceAccounts);
  const countRooms = options.countTeamsRooms === true;
  const basis: AllocationBasisLine[] = [];
  const roomsLeftOut: string[] = [];
  let purchased = 0;
  for (const sku of skus) {
    requireCount(`enabledUnits of ${sku.skuPartNumber}`, sku.enabledUnits);
    const isRaSku =
      normaliseGuid(sku.skuId) === RA_SKU_ID ||
      sku.servicePlans.some((p) => planMatches(p, MCOEV_VIRTUALUSER_PLAN_ID));
    if (isRaSku) {
      purchased += sku.enabledUnits;
      continue;
    }
    if (sku.servicePlans.some((plan) => planMatches(plan, MCOEV_PLAN_ID))) {
      // Teams Rooms carry MCOEV but the allocation names Standard, Calling Plan and Shared Devices only.
      if (!countRooms && TEAMS_ROOMS_PART_NUMBER.test(sku.skuPartNumber)) {
        roomsLeftOut.push(sku.skuPartNumber);
        continue;
      }
      basis.push({ skuId: sku.skuId, skuPartNumber: sku.skuPartNumber, enabledUnits: sku.enabledUnits });
    }
  }
  const qualifying = basis.reduce((sum, line) => sum + line.enabledUnits, 0);
  const counted =
    basis.length === 0
      ? 'no subscribed SKU includes the Teams Phone (MCOEV) service plan'
      : `counted ${basis.map((line, i) => `${line.enabledUnits}${i === 0 ? ' seats' : ''} of ${line.skuPartNumber}`).join(', ')}` +
        ' (enabled seats of every SKU whose service plans include MCOEV; the resource-account SKU itself is not counted)';
  const roomsNote =
    roomsLeftOut.length > 0
      ? `; Teams Rooms left out (${roomsLeftOut.join(', ')}): Microsoft's allocation names Teams Phone Standard, Teams Phone with Calling Plan and Teams Shared Devices only (ALLOCATION_COUNT_TEAMS_ROOMS=true counts them)`
      : countRooms
        ? '; Teams Rooms SKUs counted (ALLOCATION_COUNT_TEAMS_ROOMS=true)'
        : '';
  return buildAllocation(qualifying, resourceAccounts, purchased, basis, counted + roomsNote);
}

function buildAllocation(
  qualifying: number,
  needed: number,
  purchased: number | null,
  basis: AllocationBasisLine[],
  counted: string,
): Allocation {
  const free = freeAllocationFor(qualifying);
  const formula =
    qualifying === 0
      ? '0 free (no license that includes Teams Phone, so no free allocation, not even the base 25)'
      : `${BASE_FREE} + floor(${qualifying} / ${QUALIFYING_PER_FREE_SEAT}) = ${free} free`;
  return {
    qualifyingLicenses: qualifying,
    freeAllocation: free,
    needed,
    purchasedRaLicenses: purchased,
    toBuy: Math.max(0, needed - free),
    unclaimed: purchased === null ? null : Math.max(0, Math.min(needed, free) - purchased),
    basis,
    basisText: `${formula}: ${counted}.`,
  };
}

function requireCount(field: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${field} must be a whole number of 0 or more, got ${String(value)}`);
  }
}
