/**
 * A small tenant for the simulator's own tests, and a fetch helper that speaks to the simulator as a Graph client
 * would (bearer token, JSON).
 */
import type { GraphSimulator } from '../../../src/graph/simulator/graph-simulator';
import type { TenantSeed } from '../../../src/graph/simulator/tenant-seed';
import {
  MCOEV_PLAN_ID,
  MCOEV_VIRTUALUSER_PLAN_ID,
  OFFICE_365_E5_SKU_ID,
  RA_SKU_ID,
  TEAMS_PHONE_STANDARD_SKU_ID,
} from '../../../src/licensing/catalog-data';

export const TENANT_A = '11111111-7d2b-4c8e-9a61-3b0d4e2f8c17';
export const TENANT_B = '22222222-7d2b-4c8e-9a61-3b0d4e2f8c17';
export const RA_ID = 'a3f6c2d1-9b84-4e7a-8c15-6d2e0f9b7a41';
export const ADELE_ID = 'c81d4e2f-3a5b-4f6c-9d7e-1b2a3c4d5e6f';
export const GROUP_ID = '9e3b5d71-2a4c-4f86-b0d2-7c1e8a6f4b39';
export const YAMMER_PLAN_ID = '7547a3fe-08ee-4ccb-b430-5077c5041653';

export function smallTenant(tenantId = TENANT_A, accountName = 'contoso'): TenantSeed {
  return {
    tenantId,
    accountName,
    skus: [
      {
        skuId: RA_SKU_ID,
        skuPartNumber: 'PHONESYSTEM_VIRTUALUSER',
        prepaidUnits: 25,
        servicePlans: [{ servicePlanId: MCOEV_VIRTUALUSER_PLAN_ID, servicePlanName: 'MCOEV_VIRTUALUSER' }],
      },
      {
        skuId: TEAMS_PHONE_STANDARD_SKU_ID,
        skuPartNumber: 'MCOEV',
        prepaidUnits: 2,
        servicePlans: [{ servicePlanId: MCOEV_PLAN_ID, servicePlanName: 'MCOEV' }],
      },
      {
        skuId: OFFICE_365_E5_SKU_ID,
        skuPartNumber: 'ENTERPRISEPREMIUM',
        prepaidUnits: 10,
        unmodelledConsumedUnits: 3,
        servicePlans: [
          { servicePlanId: MCOEV_PLAN_ID, servicePlanName: 'MCOEV' },
          { servicePlanId: YAMMER_PLAN_ID, servicePlanName: 'YAMMER_ENTERPRISE' },
        ],
      },
    ],
    users: [
      {
        id: RA_ID,
        userPrincipalName: `ra_cq_sales@${accountName}.onmicrosoft.com`,
        displayName: 'Sales Queue',
        assignedLicenses: [{ skuId: TEAMS_PHONE_STANDARD_SKU_ID }],
        resourceAccount: { application: 'call-queue', telephoneNumber: '+14255550142' },
      },
      {
        id: ADELE_ID,
        userPrincipalName: `AdeleV@${accountName}.com`,
        displayName: 'Adele Vance',
        department: 'Retail',
      },
    ],
    groups: [
      {
        id: GROUP_ID,
        displayName: 'Teams Phone users',
        assignedLicenses: [{ skuId: TEAMS_PHONE_STANDARD_SKU_ID }],
      },
    ],
  };
}

export interface GraphAnswer {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

export async function graph(
  sim: GraphSimulator,
  tenantId: string,
  method: string,
  pathOrUrl: string,
  body?: unknown,
): Promise<GraphAnswer> {
  const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${sim.url}/v1.0${pathOrUrl}`;
  const response = await fetch(url, {
    method,
    headers: {
      Authorization: `Bearer ${sim.tokenFor(tenantId)}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}
