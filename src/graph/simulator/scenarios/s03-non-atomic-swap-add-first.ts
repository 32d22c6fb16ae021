import type { Scenario } from './scenario';
import { NO_ALLOCATION_ALERTS } from './scenario';
import { resourceAccount, scenarioTenantId, scenarioUserId } from './scenario-people';
import { raSku, RA_SKU_ID, TEAMS_PHONE_STANDARD_SKU_ID, teamsPhoneStandardSku } from './scenario-skus';

const N = 3;
const DOMAIN = 'addfirst.onmicrosoft.com';
const RA = `ra_aa_reception@${DOMAIN}`;

export const nonAtomicSwapAddFirst: Scenario = {
  id: 'non-atomic-swap-add-first',
  number: N,
  title: 'Non-atomic swap, add first',
  description:
    "The admin first adds the Resource Account license to an auto attendant's resource account that holds Teams " +
    'Phone Standard (activity A), then removes Standard in a second operation (activity B). The account is never ' +
    'without a license, but the switch was two operations: a warning.',
  seed: {
    tenantId: scenarioTenantId(N),
    accountName: 'addfirst',
    skus: [raSku(25), teamsPhoneStandardSku(20, 15)],
    users: [
      resourceAccount(
        scenarioUserId(N, 1),
        RA,
        'Reception',
        'auto-attendant',
        [TEAMS_PHONE_STANDARD_SKU_ID],
        '+14255550103',
      ),
    ],
  },
  steps: [
    {
      kind: 'assignLicense',
      note: 'The admin adds the Resource Account license to Reception (activity A)',
      user: RA,
      add: [{ skuId: RA_SKU_ID }],
    },
    {
      kind: 'assignLicense',
      note: 'Later, a second operation removes Teams Phone Standard (activity B)',
      user: RA,
      remove: [TEAMS_PHONE_STANDARD_SKU_ID],
    },
  ],
  expected: {
    fires: [{ ruleId: 'ra.non-atomic-swap', severity: 'warning', userPrincipalName: RA }],
    // Holding only Standard, the account has no Resource Account license: both alerts are open after the seed.
    resolves: [
      { ruleId: 'ra.standard-on-ra', userPrincipalName: RA },
      { ruleId: 'ra.unlicensed', userPrincipalName: RA },
    ],
    mayFireTransiently: [],
    mustNotFire: [...NO_ALLOCATION_ALERTS],
  },
};
