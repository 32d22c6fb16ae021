import type { AlertRef, Scenario } from './scenario';
import { NO_ALLOCATION_ALERTS } from './scenario';
import { person, resourceAccount, scenarioTenantId, scenarioUserId } from './scenario-people';
import { e5Sku, OFFICE_365_E5_SKU_ID, raSku, RA_SKU_ID } from './scenario-skus';

const N = 9;
const DOMAIN = 'noisy.onmicrosoft.com';
const PEOPLE = 30;
const RAS = [`ra_aa_main@${DOMAIN}`, `ra_cq_orders@${DOMAIN}`];
const NEEDLE = `NestorW@${DOMAIN}`;

export const noise: Scenario = {
  id: 'noise',
  number: N,
  title: 'Noise: thousands of unrelated updates, duplicates, out-of-order deliveries',
  description:
    'Thousands of harmless user updates (job titles, display names, resource accounts included) arrive with ' +
    'duplicated and reordered notifications. In the middle of it, one real change: Nestor Wilke gets the Resource ' +
    'Account license. Exactly that one alert must fire: no false alert, none lost.',
  seed: {
    tenantId: scenarioTenantId(N),
    accountName: 'noisy',
    skus: [raSku(25), e5Sku(50, 10)],
    users: [
      resourceAccount(
        scenarioUserId(N, 1),
        RAS[0] ?? '',
        'Main Line',
        'auto-attendant',
        [RA_SKU_ID],
        '+14255550109',
      ),
      resourceAccount(
        scenarioUserId(N, 2),
        RAS[1] ?? '',
        'Orders Queue',
        'call-queue',
        [RA_SKU_ID],
        '+14255550110',
      ),
      person(scenarioUserId(N, 3), NEEDLE, 'Nestor Wilke', [OFFICE_365_E5_SKU_ID]),
      ...Array.from({ length: PEOPLE }, (_, k) =>
        person(
          scenarioUserId(N, 10 + k),
          `user${String(k + 1).padStart(2, '0')}@${DOMAIN}`,
          `Noisy User ${k + 1}`,
          [OFFICE_365_E5_SKU_ID],
        ),
      ),
    ],
    // Graph does not promise order or uniqueness: this tenant gets plenty of both.
    notifications: { duplicateRate: 0.2, reorder: true },
  },
  steps: [
    { kind: 'noise', note: '1,500 harmless profile updates across the tenant', updates: 1500 },
    {
      kind: 'assignLicense',
      note: 'An admin gives Nestor Wilke the Resource Account license (the one real change)',
      user: NEEDLE,
      add: [{ skuId: RA_SKU_ID }],
    },
    { kind: 'noise', note: '1,500 more harmless profile updates', updates: 1500 },
  ],
  expected: {
    fires: [{ ruleId: 'ra.license-on-user', severity: 'warning', userPrincipalName: NEEDLE }],
    resolves: [],
    mayFireTransiently: [],
    mustNotFire: [
      ...RAS.flatMap((upn): AlertRef[] => [
        { ruleId: 'ra.unlicensed', userPrincipalName: upn },
        { ruleId: 'ra.standard-on-ra', userPrincipalName: upn },
        { ruleId: 'ra.non-atomic-swap', userPrincipalName: upn },
      ]),
      { ruleId: 'ra.license-on-user', userPrincipalName: `user01@${DOMAIN}` },
      ...NO_ALLOCATION_ALERTS,
    ],
  },
};
