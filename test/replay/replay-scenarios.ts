/**
 * Recorded scenarios for the replay tests (DOMAIN.md §6), written the way the worker writes them: snapshot + change
 * (`diffSnapshots`) + the findings of the rules as ra-watch knew the account then, through `recordObservation`; the
 * swap's findings arrive later through a follow-up observation with no change, as the audit follow-up does. What
 * ra-watch knows *today* (registry, identifications) is set afterwards and differs on purpose for some accounts.
 */
import type { Finding, LicenseActivity, ResourceAccount, UserSnapshot } from '../../src/glossary';
import { RA_SKU_ID, TEAMS_PHONE_STANDARD_SKU_ID } from '../../src/licensing/catalog-data';
import { createLicenseCatalog } from '../../src/licensing/license-catalog';
import { ACCOUNT_STATE_RULES, evaluateAccount, evaluateSwap } from '../../src/rules/evaluate';
import type { Store } from '../../src/store/store';
import { diffSnapshots } from '../../src/licensing/diff-snapshots';
import { TENANT_ID, activity, lic, sampleSubscribedSkus, snapshot } from '../fixtures/licensing';

export const catalog = createLicenseCatalog(sampleSubscribedSkus());
export const routing = (): string[] => ['log'];
export const NOW = new Date('2026-11-27T08:00:00.000Z');

/** Lost its RA license on Tuesday; the alert was raised then. */
export const RECEPTION = 'a3f6c2d1-9b84-4e7a-8c15-6d2e0f9b7a41';
/** Held Teams Phone Standard, but was not known as a resource account then: no alert. Known today. */
export const HELPDESK = 'b4e7d3e2-0c95-4f8b-9d26-7e3f1a0c8b52';
/** Swapped Standard → RA in two activities, remove first. */
export const MAIN_LINE = 'c5f8e4f3-1da6-4a9c-8e37-8f4a2b1d9c63';
export const MAIN_LINE_UPN = 'ra_aa_main@contoso.onmicrosoft.com';
/** Held the RA license and was taken for an ordinary user then (alert); the admin registered it as an RA since. */
export const LOBBY = 'd6a9f5a4-2eb7-4bad-9f48-9a5b3c2eac74';
export const SUBSCRIPTION = 'sub-users-1';

export const removeStandard = {
  ...activity('aaaaaaaa-0000-4000-8000-00000000000a', '2026-11-25T10:00:00.000Z', {
    removed: [TEAMS_PHONE_STANDARD_SKU_ID],
  }),
  userId: MAIN_LINE,
};
export const addRaLicense = {
  ...activity(
    'bbbbbbbb-0000-4000-8000-00000000000b',
    '2026-11-25T10:01:00.000Z',
    { added: [RA_SKU_ID] },
    'provisioning-app',
  ),
  userId: MAIN_LINE,
};

function user(
  userId: string,
  name: string,
  licenses: UserSnapshot['assignedLicenses'],
  observedAt: string,
): UserSnapshot {
  return snapshot(licenses, {
    userId,
    displayName: name,
    userPrincipalName: `${name.toLowerCase().replace(/ /g, '_')}@contoso.onmicrosoft.com`,
    observedAt,
  });
}

function ra(userId: string): ResourceAccount {
  return {
    tenantId: TENANT_ID,
    userId,
    identifiedBy: 'teams-user-configuration',
    detail: 'accountType=resourceAccount',
    application: 'unknown',
  };
}

/** One worker observation: the change since `before`, the findings the worker produced with `knownAs`. */
export async function observe(
  store: Store,
  args: {
    before: UserSnapshot | null;
    after: UserSnapshot;
    knownAs: ResourceAccount | null;
    raiseAlerts: boolean;
    activities?: LicenseActivity[];
    subscriptionId?: string;
  },
): Promise<number> {
  const change = diffSnapshots(args.before, args.after, {
    receivedAt: args.after.observedAt,
    source: {
      kind: 'notification',
      subscriptionId: args.subscriptionId ?? SUBSCRIPTION,
      messageId: `m-${args.after.userId}-${args.after.observedAt}`,
    },
  });
  if (change === null) throw new Error('scenario step changes nothing');
  change.activities = args.activities ?? [];
  const findings: Finding[] = args.raiseAlerts
    ? evaluateAccount({ snapshot: args.after, resourceAccount: args.knownAs, catalog })
    : [];
  const at = new Date(Date.parse(args.after.observedAt) + 5_000).toISOString();
  const result = await store.recordObservation(
    {
      snapshot: args.after,
      change,
      scope: { tenantId: TENANT_ID, userId: args.after.userId, ruleIds: ACCOUNT_STATE_RULES },
      findings,
      at,
    },
    routing,
  );
  if (result.eventId === null) throw new Error('no event recorded');
  return result.eventId;
}

/** Six events over four accounts; see the constants above. */
export async function seedScenarios(store: Store): Promise<void> {
  const reception0 = user(RECEPTION, 'Reception Line', [lic.ra()], '2026-11-24T09:00:00.000Z');
  const reception1 = user(RECEPTION, 'Reception Line', [], '2026-11-24T10:00:00.000Z');
  await observe(store, { before: null, after: reception0, knownAs: ra(RECEPTION), raiseAlerts: true });
  await observe(store, { before: reception0, after: reception1, knownAs: ra(RECEPTION), raiseAlerts: true });

  const helpdesk = user(HELPDESK, 'Helpdesk Queue', [lic.standard()], '2026-11-24T11:00:00.000Z');
  await observe(store, { before: null, after: helpdesk, knownAs: null, raiseAlerts: true });

  const main0 = {
    ...user(MAIN_LINE, 'Main Line', [lic.standard()], '2026-11-25T09:00:00.000Z'),
    userPrincipalName: MAIN_LINE_UPN,
  };
  const main1 = { ...main0, assignedLicenses: [lic.ra()], observedAt: '2026-11-25T10:02:00.000Z' };
  await observe(store, { before: null, after: main0, knownAs: ra(MAIN_LINE), raiseAlerts: true });
  const activities = [removeStandard, addRaLicense];
  await observe(store, {
    before: main0,
    after: main1,
    knownAs: ra(MAIN_LINE),
    raiseAlerts: true,
    activities,
  });
  // The audit follow-up, minutes later: swap findings with no change of their own.
  const swap = evaluateSwap({
    resourceAccount: ra(MAIN_LINE),
    before: main0,
    after: main1,
    activities,
    catalog,
  });
  if (swap.length !== 1) throw new Error('the scenario must be a non-atomic swap');
  await store.recordObservation(
    {
      scope: { tenantId: TENANT_ID, userId: MAIN_LINE, ruleIds: [] },
      findings: swap,
      at: '2026-11-25T10:07:00.000Z',
    },
    routing,
  );

  const lobby = user(LOBBY, 'Lobby Phone', [lic.ra()], '2026-11-26T09:00:00.000Z');
  await observe(store, {
    before: null,
    after: { ...lobby, accountEnabled: true },
    knownAs: null,
    raiseAlerts: true,
    subscriptionId: 'sub-other',
  });

  // Today's knowledge.
  const checkedAt = NOW.toISOString();
  for (const userId of [HELPDESK, MAIN_LINE, RECEPTION]) {
    await store.identifications.put({
      tenantId: TENANT_ID,
      userId,
      isResourceAccount: true,
      identifiedBy: 'teams-user-configuration',
      detail: 'accountType=resourceAccount',
      application: 'unknown',
      checkedAt,
    });
  }
  await store.registry.put({
    tenantId: TENANT_ID,
    userId: LOBBY,
    isResourceAccount: true,
    application: 'auto-attendant',
    note: 'lobby auto attendant',
    updatedAt: checkedAt,
    updatedBy: 'admin@contoso.com',
  });
}
