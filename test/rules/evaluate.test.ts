import { allocationFromCounts } from '../../src/licensing/allocation';
import { createLicenseCatalog } from '../../src/licensing/license-catalog';
import {
  ACCOUNT_STATE_RULES,
  TENANT_RULES,
  evaluateAccount,
  evaluateSwap,
  evaluateTenant,
  swapNeedsAuditCheck,
} from '../../src/rules/evaluate';
import { RA_SKU_ID, TEAMS_PHONE_STANDARD_SKU_ID } from '../../src/licensing/catalog-data';
import {
  TENANT_ID,
  activity,
  lic,
  resourceAccount,
  sampleSubscribedSkus,
  sampleSwapActivities,
  sampleUser,
  snapshot,
} from '../fixtures/licensing';

const catalog = createLicenseCatalog(sampleSubscribedSkus());
const ra = resourceAccount();

describe('evaluating one account runs every account-state rule', () => {
  it.each([
    ['an RA with nothing', snapshot([]), ra, ['ra.unlicensed']],
    ['an RA with Standard through E5 only', snapshot([lic.e5()]), ra, ['ra.unlicensed', 'ra.standard-on-ra']],
    [
      'an RA with the RA license and MCOCAP',
      snapshot([lic.ra(), lic.sharedDevices()]),
      ra,
      ['ra.standard-on-ra'],
    ],
    ['the sample RA (clean)', sampleUser('user-with-licenses.json'), ra, []],
    ['the sample E5 user (clean)', sampleUser('user-with-licenses-e5.json'), null, []],
    [
      'an ordinary user with the RA license',
      snapshot([lic.ra()], { accountEnabled: true }),
      null,
      ['ra.license-on-user'],
    ],
    ['a deleted RA', snapshot([], { deleted: true }), ra, []],
  ])('%s', (_label, snap, account, rules) => {
    expect(
      evaluateAccount({ snapshot: snap, resourceAccount: account, catalog }).map((f) => f.ruleId),
    ).toEqual(rules);
  });

  it('only ever reports the account-state rules', () => {
    const findings = evaluateAccount({ snapshot: snapshot([lic.e5()]), resourceAccount: ra, catalog });
    expect(findings.every((f) => ACCOUNT_STATE_RULES.includes(f.ruleId))).toBe(true);
  });

  it('refuses a resource account paired with another user’s snapshot', () => {
    const other = resourceAccount('d2e1c0b9-0000-4000-8000-000000000001');
    expect(() => evaluateAccount({ snapshot: snapshot([]), resourceAccount: other, catalog })).toThrow(
      /does not match snapshot/,
    );
  });
});

describe('evaluating a swap', () => {
  it('reports the sample two-call swap once, as critical', () => {
    const findings = evaluateSwap({
      resourceAccount: ra,
      before: snapshot([lic.standard()], { observedAt: '2025-03-04T10:00:00.000Z' }),
      after: sampleUser('user-with-licenses.json'),
      activities: sampleSwapActivities(),
      catalog,
    });
    expect(findings.map((f) => [f.ruleId, f.severity])).toEqual([['ra.non-atomic-swap', 'critical']]);
  });

  it('reports nothing for the atomic scenario', () => {
    const atomic = activity('cccccccc-0000-4000-8000-00000000000c', '2025-03-04T10:21:00.000Z', {
      removed: [TEAMS_PHONE_STANDARD_SKU_ID],
      added: [RA_SKU_ID],
    });
    const before = snapshot([lic.standard()]);
    const after = snapshot([lic.ra()]);
    expect(swapNeedsAuditCheck({ resourceAccount: ra, before, after, catalog })).toBe(true);
    expect(evaluateSwap({ resourceAccount: ra, before, after, activities: [atomic], catalog })).toEqual([]);
  });

  it('refuses snapshots of another user', () => {
    const stranger = snapshot([], { userId: 'd2e1c0b9-0000-4000-8000-000000000001' });
    expect(() =>
      evaluateSwap({ resourceAccount: ra, before: null, after: stranger, activities: [], catalog }),
    ).toThrow(/does not match/);
  });
});

describe('evaluating the tenant runs both allocation rules', () => {
  it.each([
    ['Contoso, 85 bought', 600, 90, 85, ['ra.allocation-exceeded']],
    ['Contoso, nothing bought', 600, 90, 0, ['ra.allocation-exceeded', 'ra.allocation-unclaimed']],
    ['within the allocation, all claimed', 600, 50, 50, []],
  ])('%s', (_label, qualifyingLicenses, resourceAccounts, raLicensesPurchased, rules) => {
    const allocation = allocationFromCounts({ qualifyingLicenses, resourceAccounts, raLicensesPurchased });
    const findings = evaluateTenant({ tenantId: TENANT_ID, allocation });
    expect(findings.map((f) => f.ruleId)).toEqual(rules);
    expect(findings.every((f) => TENANT_RULES.includes(f.ruleId))).toBe(true);
  });
});
