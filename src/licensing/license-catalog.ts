/**
 * The license catalog: which service plans a user's licenses actually grant, and through which SKU and group.
 *
 * Decisions are made by service plan, never by SKU alone: Teams Phone Standard's MCOEV plan arrives with Teams Phone
 * Standard, E5, Teams Shared Devices, Teams Phone with Calling Plan and more (DOMAIN.md §3). A SKU's plans come from
 * the tenant's own subscribedSkus first and from catalog-data for known SKUs the tenant no longer lists. A SKU found
 * in neither is reported as unknown and grants nothing: guessing would turn an unknown SKU into Teams Phone Standard.
 */
import type {
  AssignedLicense,
  LicenseAssignmentState,
  PlanGrant,
  ServicePlan,
  SubscribedSku,
} from '../glossary';
import { KNOWN_SKUS } from './catalog-data';
import { normaliseGuid, planMatches } from './plan-match';

export interface LicenseCatalog {
  /** Every enabled plan the licenses grant (a plan in that license's `disabledPlans` is off), with its SKU and group. */
  planGrants(
    assignedLicenses: readonly AssignedLicense[],
    licenseAssignmentStates?: readonly LicenseAssignmentState[],
  ): PlanGrant[];
  /** True when some license grants `planId` (or a plan of its family, e.g. MCOEV_GOV for MCOEV) enabled. */
  hasEnabledPlan(assignedLicenses: readonly AssignedLicense[], planId: string): boolean;
  /** The grants of `planId` (or its family), one per SKU and assignment path: the evidence of who brought it. */
  grantsOf(
    assignedLicenses: readonly AssignedLicense[],
    planId: string,
    licenseAssignmentStates?: readonly LicenseAssignmentState[],
  ): PlanGrant[];
  /** Whether the SKU contains the plan; null when the SKU (or, for a partly known suite, the plan) is unknown. */
  skuContainsPlan(skuId: string, planId: string): boolean | null;
  skuPartNumber(skuId: string): string | null;
  /** The SKU's service plans (tenant first, catalog fallback), or null when the SKU is unknown. */
  servicePlansOf(skuId: string): ServicePlan[] | null;
  /** The assigned SKUs whose plans are known nowhere (so they were not counted for anything). */
  unknownSkus(assignedLicenses: readonly AssignedLicense[]): string[];
}

interface SkuEntry {
  skuPartNumber: string;
  servicePlans: ServicePlan[];
  plansComplete: boolean;
}

export function createLicenseCatalog(skus: readonly SubscribedSku[]): LicenseCatalog {
  const entries = new Map<string, SkuEntry>();
  for (const known of KNOWN_SKUS) {
    entries.set(normaliseGuid(known.skuId), {
      skuPartNumber: known.skuPartNumber,
      servicePlans: known.servicePlans,
      plansComplete: known.plansComplete,
    });
  }
  // The tenant's own list wins: it is the full, current plan list of exactly the SKUs it bought.
  for (const sku of skus) {
    entries.set(normaliseGuid(sku.skuId), {
      skuPartNumber: sku.skuPartNumber,
      servicePlans: sku.servicePlans,
      plansComplete: true,
    });
  }

  const entryOf = (skuId: string): SkuEntry | undefined => entries.get(normaliseGuid(skuId));

  const planGrants = (
    assignedLicenses: readonly AssignedLicense[],
    licenseAssignmentStates: readonly LicenseAssignmentState[] = [],
  ): PlanGrant[] => {
    const grants: PlanGrant[] = [];
    for (const license of assignedLicenses) {
      const entry = entryOf(license.skuId);
      if (entry === undefined) continue;
      const disabled = new Set(license.disabledPlans.map(normaliseGuid));
      for (const plan of entry.servicePlans) {
        if (disabled.has(normaliseGuid(plan.servicePlanId))) continue;
        for (const group of assigningGroups(license.skuId, plan.servicePlanId, licenseAssignmentStates)) {
          grants.push({
            servicePlanId: plan.servicePlanId,
            servicePlanName: plan.servicePlanName,
            skuId: license.skuId,
            skuPartNumber: entry.skuPartNumber,
            assignedByGroup: group,
          });
        }
      }
    }
    return grants;
  };

  const grantsOf = (
    assignedLicenses: readonly AssignedLicense[],
    planId: string,
    licenseAssignmentStates?: readonly LicenseAssignmentState[],
  ): PlanGrant[] =>
    planGrants(assignedLicenses, licenseAssignmentStates).filter((grant) => planMatches(grant, planId));

  return {
    planGrants,
    grantsOf,
    hasEnabledPlan: (assignedLicenses, planId) => grantsOf(assignedLicenses, planId).length > 0,
    skuContainsPlan(skuId, planId) {
      const entry = entryOf(skuId);
      if (entry === undefined) return null;
      if (entry.servicePlans.some((plan) => planMatches(plan, planId))) return true;
      return entry.plansComplete ? false : null;
    },
    skuPartNumber: (skuId) => entryOf(skuId)?.skuPartNumber ?? null,
    servicePlansOf: (skuId) => entryOf(skuId)?.servicePlans ?? null,
    unknownSkus: (assignedLicenses) =>
      assignedLicenses
        .filter((license) => entryOf(license.skuId) === undefined)
        .map((license) => license.skuId),
  };
}

/**
 * Which assignment paths (null = direct, else a group id) bring one plan of one SKU. `assignedLicenses` is the
 * authority on whether the plan is on; `licenseAssignmentStates` only says who put it there. A path in state Error did
 * not apply, and a path that disables the plan does not bring it. Delta reads carry no states (Graph does not track
 * them there): then the path is unknown and reported as direct.
 */
function assigningGroups(
  skuId: string,
  planId: string,
  states: readonly LicenseAssignmentState[],
): Array<string | null> {
  const sku = normaliseGuid(skuId);
  const plan = normaliseGuid(planId);
  const groups: Array<string | null> = [];
  for (const state of states) {
    if (normaliseGuid(state.skuId) !== sku || state.state === 'Error') continue;
    if (state.disabledPlans.some((disabled) => normaliseGuid(disabled) === plan)) continue;
    if (!groups.includes(state.assignedByGroup)) groups.push(state.assignedByGroup);
  }
  return groups.length > 0 ? groups : [null];
}
