/**
 * The SKUs scenarios buy, with the identifiers from the license catalog (src/licensing/catalog-data.ts) and the
 * service-plan lists of graph-samples/subscribed-skus.json (E5 cut short there as here).
 */
import {
  MCOEV_PLAN_ID,
  MCOEV_VIRTUALUSER_PLAN_ID,
  OFFICE_365_E5_SKU_ID,
  RA_SKU_ID,
  TEAMS_PHONE_STANDARD_SKU_ID,
  TEAMS_SHARED_DEVICES_SKU_ID,
} from '../../../licensing/catalog-data';
import type { SeedSku } from '../tenant-seed';

const MCOEV = { servicePlanId: MCOEV_PLAN_ID, servicePlanName: 'MCOEV' };
const TEAMS1 = { servicePlanId: '57ff2da0-773e-42df-b2af-ffb7a2317929', servicePlanName: 'TEAMS1' };
const MCOSTANDARD = { servicePlanId: '0feaeb32-d00e-4d66-bd5a-43b5b83db82c', servicePlanName: 'MCOSTANDARD' };
const EXCHANGE = {
  servicePlanId: 'efb87545-963c-4e0d-99df-69c6916d9eb0',
  servicePlanName: 'EXCHANGE_S_ENTERPRISE',
};
export const YAMMER_PLAN_ID = '7547a3fe-08ee-4ccb-b430-5077c5041653';

export function raSku(prepaidUnits: number): SeedSku {
  return {
    skuId: RA_SKU_ID,
    skuPartNumber: 'PHONESYSTEM_VIRTUALUSER',
    prepaidUnits,
    servicePlans: [{ servicePlanId: MCOEV_VIRTUALUSER_PLAN_ID, servicePlanName: 'MCOEV_VIRTUALUSER' }],
  };
}

export function teamsPhoneStandardSku(prepaidUnits: number, unmodelledConsumedUnits = 0): SeedSku {
  return {
    skuId: TEAMS_PHONE_STANDARD_SKU_ID,
    skuPartNumber: 'MCOEV',
    prepaidUnits,
    unmodelledConsumedUnits,
    servicePlans: [MCOEV],
  };
}

export function e5Sku(prepaidUnits: number, unmodelledConsumedUnits = 0): SeedSku {
  return {
    skuId: OFFICE_365_E5_SKU_ID,
    skuPartNumber: 'ENTERPRISEPREMIUM',
    prepaidUnits,
    unmodelledConsumedUnits,
    servicePlans: [
      MCOEV,
      { servicePlanId: '3e26ee1f-8a5f-4d52-aee2-b81ce45c8f40', servicePlanName: 'MCOMEETADV' },
      TEAMS1,
      MCOSTANDARD,
      EXCHANGE,
      { servicePlanId: '5dbe027f-2339-4123-9542-606e4d348a72', servicePlanName: 'SHAREPOINTENTERPRISE' },
      { servicePlanId: YAMMER_PLAN_ID, servicePlanName: 'YAMMER_ENTERPRISE' },
    ],
  };
}

export function sharedDevicesSku(prepaidUnits: number, unmodelledConsumedUnits = 0): SeedSku {
  return {
    skuId: TEAMS_SHARED_DEVICES_SKU_ID,
    skuPartNumber: 'MCOCAP',
    prepaidUnits,
    unmodelledConsumedUnits,
    servicePlans: [
      MCOEV,
      TEAMS1,
      MCOSTANDARD,
      { servicePlanId: 'c1ec4a95-1f05-45b3-a911-aa3fa01094f5', servicePlanName: 'INTUNE_A' },
      { servicePlanId: '41781fb2-bc02-4b7c-bd55-b576c07bb09d', servicePlanName: 'AAD_PREMIUM' },
      EXCHANGE,
    ],
  };
}

export { MCOEV_PLAN_ID, OFFICE_365_E5_SKU_ID, RA_SKU_ID, TEAMS_PHONE_STANDARD_SKU_ID };
