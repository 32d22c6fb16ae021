import type { Scenario } from './scenario';
import { NO_ALLOCATION_ALERTS } from './scenario';
import { resourceAccount, scenarioTenantId, scenarioUserId } from './scenario-people';
import { e5Sku, MCOEV_PLAN_ID, OFFICE_365_E5_SKU_ID, raSku, RA_SKU_ID } from './scenario-skus';

const N = 6;
const DOMAIN = 'standardonra.onmicrosoft.com';
const HQ = `ra_aa_hq@${DOMAIN}`;
const IT = `ra_cq_it@${DOMAIN}`;

export const standardOnRa: Scenario = {
  id: 'standard-on-ra',
  number: N,
  title: 'Teams Phone Standard on a resource account (through E5), and the disabledPlans variant',
  description:
    'Two licensed resource accounts each get an Office 365 E5 license. E5 contains the Teams Phone Standard (MCOEV) ' +
    'service plan: on HQ it is enabled (warning, naming E5 as the SKU that brought it in); on IT the admin switched ' +
    'MCOEV off with disabledPlans, so IT holds no Teams Phone Standard and nothing fires.',
  seed: {
    tenantId: scenarioTenantId(N),
    accountName: 'standardonra',
    skus: [raSku(25), e5Sku(40, 30)],
    users: [
      resourceAccount(
        scenarioUserId(N, 1),
        HQ,
        'Headquarters',
        'auto-attendant',
        [RA_SKU_ID],
        '+14255550106',
      ),
      resourceAccount(
        scenarioUserId(N, 2),
        IT,
        'IT Helpdesk Queue',
        'call-queue',
        [RA_SKU_ID],
        '+14255550107',
      ),
    ],
  },
  steps: [
    {
      kind: 'assignLicense',
      note: 'An admin gives Headquarters an Office 365 E5 license (MCOEV enabled)',
      user: HQ,
      add: [{ skuId: OFFICE_365_E5_SKU_ID }],
    },
    {
      kind: 'assignLicense',
      note: 'An admin gives IT Helpdesk Queue an Office 365 E5 license with Teams Phone (MCOEV) in disabledPlans',
      user: IT,
      add: [{ skuId: OFFICE_365_E5_SKU_ID, disabledPlans: [MCOEV_PLAN_ID] }],
    },
  ],
  expected: {
    fires: [{ ruleId: 'ra.standard-on-ra', severity: 'warning', userPrincipalName: HQ }],
    resolves: [],
    mayFireTransiently: [],
    mustNotFire: [
      { ruleId: 'ra.standard-on-ra', userPrincipalName: IT },
      { ruleId: 'ra.unlicensed', userPrincipalName: HQ },
      { ruleId: 'ra.unlicensed', userPrincipalName: IT },
      { ruleId: 'ra.non-atomic-swap', userPrincipalName: HQ },
      { ruleId: 'ra.non-atomic-swap', userPrincipalName: IT },
      ...NO_ALLOCATION_ALERTS,
    ],
  },
};
