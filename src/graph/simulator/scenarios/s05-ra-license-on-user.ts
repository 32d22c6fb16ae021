import type { Scenario } from './scenario';
import { NO_ALLOCATION_ALERTS } from './scenario';
import { person, resourceAccount, scenarioTenantId, scenarioUserId } from './scenario-people';
import { e5Sku, OFFICE_365_E5_SKU_ID, raSku, RA_SKU_ID } from './scenario-skus';

const N = 5;
const DOMAIN = 'licensemisuse.onmicrosoft.com';
const RA = `ra_cq_sales@${DOMAIN}`;
const LEE = `LeeG@${DOMAIN}`;

export const raLicenseOnUser: Scenario = {
  id: 'ra-license-on-user',
  number: N,
  title: 'Resource Account license given to an ordinary user',
  description:
    'An admin assigns the Teams Phone Resource Account license to Lee Gu, an ordinary user. The license is only for ' +
    "resource accounts: using it for a person breaks the free allocation's terms. Warning.",
  seed: {
    tenantId: scenarioTenantId(N),
    accountName: 'licensemisuse',
    skus: [raSku(25), e5Sku(30, 20)],
    users: [
      resourceAccount(scenarioUserId(N, 1), RA, 'Sales Queue', 'call-queue', [RA_SKU_ID], '+14255550105'),
      person(scenarioUserId(N, 2), LEE, 'Lee Gu', [OFFICE_365_E5_SKU_ID]),
    ],
  },
  steps: [
    {
      kind: 'assignLicense',
      note: 'An admin gives Lee Gu the Teams Phone Resource Account license',
      user: LEE,
      add: [{ skuId: RA_SKU_ID }],
    },
  ],
  expected: {
    fires: [{ ruleId: 'ra.license-on-user', severity: 'warning', userPrincipalName: LEE }],
    resolves: [],
    mayFireTransiently: [],
    mustNotFire: [
      { ruleId: 'ra.unlicensed', userPrincipalName: RA },
      { ruleId: 'ra.license-on-user', userPrincipalName: RA },
      ...NO_ALLOCATION_ALERTS,
    ],
  },
};
