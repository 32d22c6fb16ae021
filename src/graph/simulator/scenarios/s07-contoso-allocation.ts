import type { AlertRef, ExpectedAlert, Scenario, ScenarioStep } from './scenario';
import { resourceAccount, scenarioTenantId, scenarioUserId } from './scenario-people';
import { e5Sku, raSku, RA_SKU_ID, sharedDevicesSku } from './scenario-skus';

const N = 7;
const DOMAIN = 'contoso.onmicrosoft.com';
const LICENSED = 85;
const NEW = 5;

const pad = (n: number) => String(n).padStart(3, '0');
const existingUpn = (i: number) => `ra_${i % 2 === 0 ? 'cq' : 'aa'}_${pad(i)}@${DOMAIN}`;
const newUpn = (i: number) => `ra_aa_branch${pad(i)}@${DOMAIN}`;

/**
 * DOMAIN.md §2's worked example. Seat counts are carried by prepaidUnits (and unmodelled consumption), not by 600
 * user objects; the 90 resource accounts are real users because ra-watch counts what it identifies.
 */
export const contosoAllocation: Scenario = {
  id: 'contoso-allocation',
  number: N,
  title: 'Contoso: free allocation exceeded',
  description:
    'Contoso bought 500 Office 365 E5 (which include Teams Phone) and 100 Teams Shared Devices: 25 + floor(600/10) = 85 ' +
    'free Resource Account licenses, all 85 claimed and assigned. It now creates 5 more auto attendants: 90 resource ' +
    'accounts need a license, 85 are free, so 5 must be bought (info), and until they are, the 5 new accounts are ' +
    'unlicensed (critical).',
  seed: {
    tenantId: scenarioTenantId(N),
    accountName: 'contoso',
    skus: [raSku(LICENSED), e5Sku(500, 480), sharedDevicesSku(100, 95)],
    users: Array.from({ length: LICENSED }, (_, k) =>
      resourceAccount(
        scenarioUserId(N, k + 1),
        existingUpn(k + 1),
        `Contoso ${k % 2 === 0 ? 'Queue' : 'Attendant'} ${pad(k + 1)}`,
        k % 2 === 0 ? 'call-queue' : 'auto-attendant',
        [RA_SKU_ID],
      ),
    ),
  },
  steps: Array.from({ length: NEW }, (_, k): ScenarioStep => ({
    kind: 'createUser',
    note: `A resource account is created for branch auto attendant ${k + 1} of ${NEW}, with no license left to give it`,
    user: resourceAccount(
      scenarioUserId(N, 100 + k + 1),
      newUpn(k + 1),
      `Branch ${pad(k + 1)}`,
      'auto-attendant',
      [],
    ),
  })),
  expected: {
    fires: [
      { ruleId: 'ra.allocation-exceeded', severity: 'info', userPrincipalName: 'tenant' },
      ...Array.from({ length: NEW }, (_, k): ExpectedAlert => ({
        ruleId: 'ra.unlicensed',
        severity: 'critical',
        userPrincipalName: newUpn(k + 1),
      })),
    ],
    resolves: [],
    mayFireTransiently: [],
    mustNotFire: [
      { ruleId: 'ra.allocation-unclaimed', userPrincipalName: 'tenant' },
      ...[1, 2, LICENSED].map((i): AlertRef => ({
        ruleId: 'ra.unlicensed',
        userPrincipalName: existingUpn(i),
      })),
    ],
  },
};
