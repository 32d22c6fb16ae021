import type { Scenario } from './scenario';
import { NO_ALLOCATION_ALERTS } from './scenario';
import {
  person,
  resourceAccount,
  scenarioGroupId,
  scenarioTenantId,
  scenarioUserId,
} from './scenario-people';
import { raSku, RA_SKU_ID, TEAMS_PHONE_STANDARD_SKU_ID, teamsPhoneStandardSku } from './scenario-skus';

const N = 8;
const DOMAIN = 'groupbased.onmicrosoft.com';
const RA = `ra_cq_helpdesk@${DOMAIN}`;
const ALEX = `AlexW@${DOMAIN}`;
const GROUP = scenarioGroupId(N, 1);

export const groupBasedLicensing: Scenario = {
  id: 'group-based-licensing',
  number: N,
  title: 'Group-based licensing brings Teams Phone Standard to a resource account',
  description:
    'A licensed call queue resource account is added to the "Teams Phone users" group, which carries Teams Phone ' +
    'Standard through group-based licensing. The account inherits MCOEV (licenseAssignmentStates.assignedByGroup ' +
    'names the group; the audit record is initiated by "Microsoft Azure AD Group-Based Licensing"): warning.',
  seed: {
    tenantId: scenarioTenantId(N),
    accountName: 'groupbased',
    skus: [raSku(25), teamsPhoneStandardSku(20, 10)],
    users: [
      resourceAccount(scenarioUserId(N, 1), RA, 'Helpdesk Queue', 'call-queue', [RA_SKU_ID], '+14255550108'),
      person(scenarioUserId(N, 2), ALEX, 'Alex Wilber'),
    ],
    groups: [
      {
        id: GROUP,
        displayName: 'Teams Phone users',
        assignedLicenses: [{ skuId: TEAMS_PHONE_STANDARD_SKU_ID }],
        memberIds: [scenarioUserId(N, 2)],
      },
    ],
  },
  steps: [
    {
      kind: 'addGroupMember',
      note: 'An admin adds Helpdesk Queue to the "Teams Phone users" licensing group',
      groupId: GROUP,
      user: RA,
    },
  ],
  expected: {
    fires: [{ ruleId: 'ra.standard-on-ra', severity: 'warning', userPrincipalName: RA }],
    resolves: [],
    mayFireTransiently: [],
    mustNotFire: [
      { ruleId: 'ra.unlicensed', userPrincipalName: RA },
      { ruleId: 'ra.non-atomic-swap', userPrincipalName: RA },
      { ruleId: 'ra.license-on-user', userPrincipalName: ALEX },
      ...NO_ALLOCATION_ALERTS,
    ],
  },
};
