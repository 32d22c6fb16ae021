import type { Scenario } from './scenario';
import { NO_ALLOCATION_ALERTS } from './scenario';
import { resourceAccount, scenarioTenantId, scenarioUserId } from './scenario-people';
import { raSku, RA_SKU_ID, teamsPhoneStandardSku } from './scenario-skus';

const N = 10;
const DOMAIN = 'faulty.onmicrosoft.com';
const MAIN = `ra_aa_main@${DOMAIN}`;
const BILLING = `ra_cq_billing@${DOMAIN}`;

export const faults: Scenario = {
  id: 'faults',
  number: N,
  title:
    'Faults: throttling, an outage, an expired delta token, a missed-notifications event, a lapsed subscription',
  description:
    'Graph throttles user reads (429 with Retry-After) just as a resource account loses its license, then answers ' +
    '503 twice; every delta token expires (410 on the next reconcile) and Graph reports missed notifications; ' +
    'finally the subscription lapses. ra-watch must still raise the unlicensed alert, honour Retry-After, resync by a ' +
    'full delta, and recreate the subscription.',
  seed: {
    tenantId: scenarioTenantId(N),
    accountName: 'faulty',
    skus: [raSku(25), teamsPhoneStandardSku(10, 8)],
    users: [
      resourceAccount(scenarioUserId(N, 1), MAIN, 'Main Line', 'auto-attendant', [RA_SKU_ID], '+14255550111'),
      resourceAccount(
        scenarioUserId(N, 2),
        BILLING,
        'Billing Queue',
        'call-queue',
        [RA_SKU_ID],
        '+14255550112',
      ),
    ],
  },
  steps: [
    {
      kind: 'throttle',
      note: 'Graph starts throttling user reads (429, Retry-After: 2)',
      route: '/users/',
      count: 3,
      retryAfterSeconds: 2,
    },
    {
      kind: 'assignLicense',
      note: 'An admin removes the Resource Account license from Billing Queue',
      user: BILLING,
      remove: [RA_SKU_ID],
    },
    { kind: 'fail', note: 'Graph answers 503 Service Unavailable twice', status: 503, count: 2 },
    {
      kind: 'expireDeltaTokens',
      note: 'Every delta token of the tenant expires (the next reconcile gets 410 Gone)',
    },
    {
      kind: 'lifecycle',
      note: 'Graph reports missed notifications (lifecycle event "missed")',
      event: 'missed',
    },
    { kind: 'lapseSubscriptions', note: 'The change-notification subscription lapses' },
  ],
  expected: {
    fires: [{ ruleId: 'ra.unlicensed', severity: 'critical', userPrincipalName: BILLING }],
    resolves: [],
    mayFireTransiently: [],
    mustNotFire: [
      { ruleId: 'ra.unlicensed', userPrincipalName: MAIN },
      { ruleId: 'ra.non-atomic-swap', userPrincipalName: BILLING },
      { ruleId: 'ra.standard-on-ra', userPrincipalName: BILLING },
      ...NO_ALLOCATION_ALERTS,
    ],
  },
};
