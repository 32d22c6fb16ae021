/**
 * The Microsoft identifiers ra-watch decides by, as data.
 *
 * Source: Microsoft's "Product names and service plan identifiers for licensing" table
 * (https://learn.microsoft.com/entra/identity/users/licensing-service-plan-reference; MicrosoftDocs/entra-docs
 * `docs/identity/users/licensing-service-plan-reference.md`), as checked in ../shared/graph-samples/README.md and
 * DOMAIN.md §3/§4 (commercial GUIDs, checked 2025) and DOMAIN.md §7 (SMB and GOV GUIDs, checked 2026-12-03 against
 * the table as DOMAIN.md §7 quotes it and against public copies of the table, which agree on each GUID).
 *
 * This table is the fallback, not the authority: rules read a SKU's service plans from the tenant's own
 * `subscribedSkus` first (suites bring Teams Phone under many SKUs), and use this only for SKUs the tenant no longer
 * lists (for example a license removed from the last seat and then from the subscription).
 *
 * Faculty variants (PHONESYSTEM_VIRTUALUSER_FACULTY, MCOEV_FACULTY) are NOT listed: no checked source gives their
 * GUIDs, and a guessed GUID would silently misclassify. They are still recognised when the tenant's `subscribedSkus`
 * names their plans, through PLAN_FAMILIES below (plan names are Microsoft's, stable across clouds).
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

/** Microsoft Teams Phone Standard for Small and Medium Business (MCOEVSMB_1); DOMAIN.md §7, checked 2026-12-03. */
export const TEAMS_PHONE_STANDARD_SMB_SKU_ID = 'aa6791d3-bb09-4bc2-afed-c30c3fe26032';
/** Its service plan MCOEVSMB: Teams Phone Standard for the rules and the allocation (DOMAIN.md §7). */
export const MCOEVSMB_PLAN_ID = 'ed777b71-af04-42ca-9798-84344c66f7c6';
/** Microsoft Teams Phone Resource Account for GCC (PHONESYSTEM_VIRTUALUSER_GOV); DOMAIN.md §7, checked 2026-12-03. */
export const RA_GOV_SKU_ID = '2cf22bcb-0c9e-4bc6-8daf-7e7654c0f285';
/** Its service plan MCOEV_VIRTUALUSER_GOV. */
export const MCOEV_VIRTUALUSER_GOV_PLAN_ID = '0628a73f-3b4a-4989-bd7b-0f8823144313';
/** Microsoft Teams Phone Standard for GCC (MCOEV_GOV); DOMAIN.md §7, checked 2026-12-03. */
export const TEAMS_PHONE_STANDARD_GOV_SKU_ID = 'a460366a-ade7-4791-b581-9fbff1bdaa85';
/** Its service plan MCOEV_GOV. */
export const MCOEV_GOV_PLAN_ID = 'db23fce2-a974-42ef-9002-d78dd42a0f22';

/**
 * Teams Rooms SKUs, by Microsoft's part-number prefix (MEETING_ROOM, Microsoft_Teams_Rooms_Pro/_Basic, MTR_PREM):
 * they carry the MCOEV plan, but the allocation page names only Teams Phone Standard, Teams Phone with Calling Plan
 * and Teams Shared Devices, so they qualify only with ALLOCATION_COUNT_TEAMS_ROOMS=true (DOMAIN.md §7). By part
 * number rather than GUID: the tenant's subscribedSkus always names it, and no GUID is guessed.
 */
export const TEAMS_ROOMS_PART_NUMBER = /^(MEETING_ROOM|Microsoft_Teams_Rooms_|MTR_PREM)/i;

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
const MCOEVSMB_PLAN: ServicePlan = { servicePlanId: MCOEVSMB_PLAN_ID, servicePlanName: 'MCOEVSMB' };
const MCOEV_GOV_PLAN: ServicePlan = { servicePlanId: MCOEV_GOV_PLAN_ID, servicePlanName: 'MCOEV_GOV' };
const MCOEV_VIRTUALUSER_GOV_PLAN: ServicePlan = {
  servicePlanId: MCOEV_VIRTUALUSER_GOV_PLAN_ID,
  servicePlanName: 'MCOEV_VIRTUALUSER_GOV',
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
    skuId: TEAMS_PHONE_STANDARD_SMB_SKU_ID,
    skuPartNumber: 'MCOEVSMB_1',
    productName: 'Microsoft Teams Phone Standard for Small and Medium Business',
    servicePlans: [MCOEVSMB_PLAN],
    plansComplete: true,
  },
  {
    skuId: RA_GOV_SKU_ID,
    skuPartNumber: 'PHONESYSTEM_VIRTUALUSER_GOV',
    productName: 'Microsoft Teams Phone Resource Account for GCC',
    servicePlans: [MCOEV_VIRTUALUSER_GOV_PLAN],
    plansComplete: true,
  },
  {
    skuId: TEAMS_PHONE_STANDARD_GOV_SKU_ID,
    skuPartNumber: 'MCOEV_GOV',
    productName: 'Microsoft Teams Phone Standard for GCC',
    servicePlans: [MCOEV_GOV_PLAN],
    plansComplete: true,
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
  // MCOEVSMB is Teams Phone Standard for Small and Medium Business: the same for the rules and the allocation.
  [MCOEV_PLAN_ID, ['MCOEV', 'MCOEV_GOV', 'MCOEVSMB']],
  [MCOEV_VIRTUALUSER_PLAN_ID, ['MCOEV_VIRTUALUSER', 'MCOEV_VIRTUALUSER_GOV']],
]);

/** The same families by GUID, for records that carry the plan id without its name (checked GUIDs only). */
export const PLAN_ID_FAMILIES: ReadonlyMap<string, readonly string[]> = new Map([
  [MCOEV_PLAN_ID, [MCOEV_GOV_PLAN_ID, MCOEVSMB_PLAN_ID]],
  [MCOEV_VIRTUALUSER_PLAN_ID, [MCOEV_VIRTUALUSER_GOV_PLAN_ID]],
]);
