/**
 * The Microsoft identifiers ra-watch decides by, as data.
 *
 * Source: Microsoft's "Product names and service plan identifiers for licensing" table
 * (MicrosoftDocs/entra-docs `docs/identity/users/licensing-service-plan-reference.md`), as checked in
 * ../shared/graph-samples/README.md and DOMAIN.md §3/§4.
 *
 * This table is the fallback, not the authority: rules read a SKU's service plans from the tenant's own
 * `subscribedSkus` first (suites bring Teams Phone under many SKUs), and use this only for SKUs the tenant no longer
 * lists (for example a license removed from the last seat and then from the subscription).
 *
 * Government / faculty variants (PHONESYSTEM_VIRTUALUSER_GOV with plan MCOEV_VIRTUALUSER_GOV,
 * PHONESYSTEM_VIRTUALUSER_FACULTY, MCOEV_GOV with plan MCOEV_GOV) are NOT listed here: the checked source gives their
 * GUIDs truncated only, and a guessed GUID would silently misclassify. They are still recognised when the tenant's
 * `subscribedSkus` names their plans, through PLAN_FAMILIES below (plan names are Microsoft's, stable across clouds).
 */
import type { ServicePlan } from '../glossary';

/** Teams Phone Standard's service plan. Any SKU carrying it (enabled) gives an account Teams Phone Standard. */
export const MCOEV_PLAN_ID = '4828c8ec-dc2e-4779-b502-87ac9ce28ab7';
/** The Teams Phone Resource Account service plan. */
export const MCOEV_VIRTUALUSER_PLAN_ID = 'f47330e9-c134-43b3-9993-e7f004506889';

/** Microsoft Teams Phone Resource Account (PHONESYSTEM_VIRTUALUSER). */
export const RA_SKU_ID = '440eaaa8-b3e0-484b-a8be-62870b9ba70a';
/** Microsoft Teams Phone Standard (MCOEV). */
export const TEAMS_PHONE_STANDARD_SKU_ID = 'e43b5b99-8dfb-405f-9987-dc307f34bcbd';
/** Microsoft Teams Phone with Calling Plan (MCOTEAMS_ESSENTIALS). */
export const TEAMS_PHONE_WITH_CALLING_PLAN_SKU_ID = 'ae2343d1-0999-43f6-ae18-d816516f6e78';
/** Microsoft Teams Shared Devices (MCOCAP): also contains MCOEV. */
export const TEAMS_SHARED_DEVICES_SKU_ID = '295a8eb0-f78d-45c7-8b5b-1eed5ed02dff';
/** Office 365 E5 (ENTERPRISEPREMIUM): also contains MCOEV. */
export const OFFICE_365_E5_SKU_ID = 'c7df2760-2c81-4ef7-b578-5b5392b571df';

/** Application ids a resource account is bound to (DOMAIN.md §4, source 2). */
export const AUTO_ATTENDANT_APP_ID = 'ce933385-9390-45d1-9512-c8d228074e07';
export const CALL_QUEUE_APP_ID = '11cd3e2e-fccb-42ad-ad00-878b93575e07';

/** A SKU as the catalog knows it. */
export interface KnownSku {
  skuId: string;
  skuPartNumber: string;
  productName: string;
  /** The service plans the catalog is sure of (for suites: only the ones ra-watch decides by). */
  servicePlans: ServicePlan[];
  /**
   * True when `servicePlans` is the SKU's whole list, so "not listed" means "not contained". Suites are listed only
   * in part (E5 has dozens of plans), and for those an unlisted plan is unknown, never assumed absent.
   */
  plansComplete: boolean;
}

const MCOEV_PLAN: ServicePlan = { servicePlanId: MCOEV_PLAN_ID, servicePlanName: 'MCOEV' };
const MCOEV_VIRTUALUSER_PLAN: ServicePlan = {
  servicePlanId: MCOEV_VIRTUALUSER_PLAN_ID,
  servicePlanName: 'MCOEV_VIRTUALUSER',
};

export const KNOWN_SKUS: readonly KnownSku[] = [
  {
    skuId: RA_SKU_ID,
    skuPartNumber: 'PHONESYSTEM_VIRTUALUSER',
    productName: 'Microsoft Teams Phone Resource Account',
    servicePlans: [MCOEV_VIRTUALUSER_PLAN],
    plansComplete: true,
  },
  {
    skuId: TEAMS_PHONE_STANDARD_SKU_ID,
    skuPartNumber: 'MCOEV',
    productName: 'Microsoft Teams Phone Standard',
    servicePlans: [MCOEV_PLAN],
    plansComplete: true,
  },
  {
    skuId: TEAMS_PHONE_WITH_CALLING_PLAN_SKU_ID,
    skuPartNumber: 'MCOTEAMS_ESSENTIALS',
    productName: 'Microsoft Teams Phone with Calling Plan',
    servicePlans: [MCOEV_PLAN],
    plansComplete: false,
  },
  {
    skuId: TEAMS_SHARED_DEVICES_SKU_ID,
    skuPartNumber: 'MCOCAP',
    productName: 'Microsoft Teams Shared Devices',
    servicePlans: [MCOEV_PLAN],
    plansComplete: false,
  },
  {
    skuId: OFFICE_365_E5_SKU_ID,
    skuPartNumber: 'ENTERPRISEPREMIUM',
    productName: 'Office 365 E5',
    servicePlans: [MCOEV_PLAN],
    plansComplete: false,
  },
];

/**
 * Service plans that mean the same thing for ra-watch, by Microsoft's plan name. Government clouds carry their own
 * plan (MCOEV_GOV, MCOEV_VIRTUALUSER_GOV) with a different GUID; matching the names the tenant's subscribedSkus
 * reports recognises them without guessing GUIDs the checked source gives only truncated.
 */
export const PLAN_FAMILIES: ReadonlyMap<string, readonly string[]> = new Map([
  [MCOEV_PLAN_ID, ['MCOEV', 'MCOEV_GOV']],
  [MCOEV_VIRTUALUSER_PLAN_ID, ['MCOEV_VIRTUALUSER', 'MCOEV_VIRTUALUSER_GOV']],
]);
