import type { Scenario } from './scenario';
import { NO_ALLOCATION_ALERTS } from './scenario';
import { resourceAccount, scenarioTenantId, scenarioUserId } from './scenario-people';
import { raSku, RA_SKU_ID, teamsPhoneStandardSku } from './scenario-skus';

const N = 4;
const DOMAIN = 'newra.onmicrosoft.com';
const EXISTING = `ra_aa_main@${DOMAIN}`;
const NEW_RA = `ra_aa_afterhours@${DOMAIN}`;

export const newRaWithoutLicense: Scenario = {
  id: 'new-ra-without-license',
  number: N,
  title: 'New resource account without a license',
  description:
    'A new auto attendant gets a resource account (created in Teams: disabled, accountType resourceAccount) but no ' +
    'license. Only the Teams user configuration tells it is a resource account: critical unlicensed alert. The admin ' +
    'then assigns the Resource Account license and the alert resolves.',
  seed: {
    tenantId: scenarioTenantId(N),
    accountName: 'newra',
    skus: [raSku(25), teamsPhoneStandardSku(20, 12)],
    users: [
      resourceAccount(
        scenarioUserId(N, 1),
        EXISTING,
        'Main Line',
        'auto-attendant',
        [RA_SKU_ID],
        '+14255550104',
      ),
    ],
  },
  steps: [
    {
      kind: 'createUser',
      note: 'A resource account is created for the new After Hours auto attendant, without a license',
      user: resourceAccount(scenarioUserId(N, 2), NEW_RA, 'After Hours', 'auto-attendant', []),
    },
    {
      kind: 'assignLicense',
      note: 'The admin assigns the Resource Account license to After Hours',
      user: NEW_RA,
      add: [{ skuId: RA_SKU_ID }],
    },
  ],
  expected: {
    fires: [{ ruleId: 'ra.unlicensed', severity: 'critical', userPrincipalName: NEW_RA }],
    resolves: [{ ruleId: 'ra.unlicensed', userPrincipalName: NEW_RA }],
    mayFireTransiently: [],
    mustNotFire: [
      { ruleId: 'ra.unlicensed', userPrincipalName: EXISTING },
      { ruleId: 'ra.non-atomic-swap', userPrincipalName: NEW_RA },
      { ruleId: 'ra.standard-on-ra', userPrincipalName: NEW_RA },
      ...NO_ALLOCATION_ALERTS,
    ],
  },
};
