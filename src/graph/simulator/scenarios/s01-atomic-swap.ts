import type { Scenario } from './scenario';
import { NO_ALLOCATION_ALERTS } from './scenario';
import { person, resourceAccount, scenarioTenantId, scenarioUserId } from './scenario-people';
import {
  e5Sku,
  OFFICE_365_E5_SKU_ID,
  raSku,
  RA_SKU_ID,
  TEAMS_PHONE_STANDARD_SKU_ID,
  teamsPhoneStandardSku,
} from './scenario-skus';

const N = 1;
const DOMAIN = 'atomicswap.onmicrosoft.com';
const RA = `ra_aa_main@${DOMAIN}`;

export const atomicSwap: Scenario = {
  id: 'atomic-swap',
  number: N,
  title: 'Atomic swap',
  description:
    'A resource account still holds Teams Phone Standard. The admin moves it to the Resource Account license in ONE ' +
    'assignLicense call (remove Standard and add the RA license together): one license activity, one correlationId. ' +
    'Holding only Standard, the account starts with Standard-on-RA and unlicensed alerts open; both resolve and no ' +
    'swap alert fires.',
  seed: {
    tenantId: scenarioTenantId(N),
    accountName: 'atomicswap',
    skus: [raSku(25), teamsPhoneStandardSku(20, 10), e5Sku(20, 12)],
    users: [
      resourceAccount(
        scenarioUserId(N, 1),
        RA,
        'Main Line',
        'auto-attendant',
        [TEAMS_PHONE_STANDARD_SKU_ID],
        '+14255550101',
      ),
      person(scenarioUserId(N, 2), `MeganB@${DOMAIN}`, 'Megan Bowen', [OFFICE_365_E5_SKU_ID]),
    ],
  },
  steps: [
    {
      kind: 'assignLicense',
      note: 'The admin switches Main Line from Teams Phone Standard to the Resource Account license in one operation',
      user: RA,
      add: [{ skuId: RA_SKU_ID }],
      remove: [TEAMS_PHONE_STANDARD_SKU_ID],
    },
  ],
  expected: {
    fires: [],
    // Holding only Standard, the account has no Resource Account license: both alerts are open after the seed.
    resolves: [
      { ruleId: 'ra.standard-on-ra', userPrincipalName: RA },
      { ruleId: 'ra.unlicensed', userPrincipalName: RA },
    ],
    mayFireTransiently: [],
    mustNotFire: [
      { ruleId: 'ra.non-atomic-swap', userPrincipalName: RA },
      { ruleId: 'ra.license-on-user', userPrincipalName: `MeganB@${DOMAIN}` },
      ...NO_ALLOCATION_ALERTS,
    ],
  },
};
