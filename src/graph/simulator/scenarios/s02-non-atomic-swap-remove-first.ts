import type { Scenario } from './scenario';
import { NO_ALLOCATION_ALERTS } from './scenario';
import { resourceAccount, scenarioTenantId, scenarioUserId } from './scenario-people';
import { raSku, RA_SKU_ID, TEAMS_PHONE_STANDARD_SKU_ID, teamsPhoneStandardSku } from './scenario-skus';

const N = 2;
const DOMAIN = 'removefirst.onmicrosoft.com';
const RA = `ra_cq_support@${DOMAIN}`;

export const nonAtomicSwapRemoveFirst: Scenario = {
  id: 'non-atomic-swap-remove-first',
  number: N,
  title: 'Non-atomic swap, remove first',
  description:
    "The admin removes Teams Phone Standard from a call queue's resource account (activity A) and adds the Resource " +
    'Account license in a second operation a while later (activity B). In between the account holds neither ' +
    'license, and Microsoft documents that the call queue may stop working. The audit log shows two activities ' +
    '(two correlationIds) once its lag has passed: a critical non-atomic-swap alert with both as evidence.',
  seed: {
    tenantId: scenarioTenantId(N),
    accountName: 'removefirst',
    skus: [raSku(25), teamsPhoneStandardSku(20, 15)],
    users: [
      resourceAccount(
        scenarioUserId(N, 1),
        RA,
        'Support Queue',
        'call-queue',
        [TEAMS_PHONE_STANDARD_SKU_ID],
        '+14255550102',
      ),
    ],
  },
  steps: [
    {
      kind: 'assignLicense',
      note: 'The admin removes Teams Phone Standard from Support Queue (activity A)',
      user: RA,
      remove: [TEAMS_PHONE_STANDARD_SKU_ID],
    },
    {
      kind: 'assignLicense',
      note: 'Later, a second operation adds the Resource Account license (activity B)',
      user: RA,
      add: [{ skuId: RA_SKU_ID }],
    },
  ],
  expected: {
    fires: [{ ruleId: 'ra.non-atomic-swap', severity: 'critical', userPrincipalName: RA }],
    // Holding only Standard, the account has no Resource Account license: both alerts are open after the seed.
    resolves: [
      { ruleId: 'ra.standard-on-ra', userPrincipalName: RA },
      { ruleId: 'ra.unlicensed', userPrincipalName: RA },
    ],
    mayFireTransiently: [],
    mustNotFire: [...NO_ALLOCATION_ALERTS],
  },
};
