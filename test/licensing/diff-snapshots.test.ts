import type { ChangeSource, UserSnapshot } from '../../src/glossary';
import { MCOEV_PLAN_ID, RA_SKU_ID, TEAMS_PHONE_STANDARD_SKU_ID } from '../../src/licensing/catalog-data';
import {
  diffSnapshots,
  relevantDifferences,
  type RelevantDifference,
} from '../../src/licensing/diff-snapshots';
import { LICENSING_GROUP_ID, lic, snapshot } from '../fixtures/licensing';

const source: ChangeSource = { kind: 'notification', subscriptionId: 'sub-1', messageId: 'msg-1' };
const trigger = { receivedAt: '2025-03-04T10:29:00.000Z', source };
const base = snapshot([lic.standard()], { observedAt: '2025-03-04T09:00:00.000Z' });
const later = (overrides: Partial<UserSnapshot>) => ({
  ...base,
  observedAt: '2025-03-04T10:30:00.000Z',
  ...overrides,
});

describe('diffSnapshots: a read becomes an event only when something license-relevant changed', () => {
  it.each<[string, UserSnapshot, RelevantDifference[]]>([
    ['a new display name and UPN', later({ displayName: 'Renamed', userPrincipalName: 'x@contoso.com' }), []],
    [
      'the same licenses in another order and GUID case',
      later({ assignedLicenses: [{ skuId: TEAMS_PHONE_STANDARD_SKU_ID.toUpperCase(), disabledPlans: [] }] }),
      [],
    ],
    ['a SKU added', later({ assignedLicenses: [lic.standard(), lic.ra()] }), ['licenses']],
    ['a SKU swapped', later({ assignedLicenses: [lic.ra()] }), ['licenses']],
    [
      'a plan switched off inside a held SKU',
      later({ assignedLicenses: [{ ...lic.standard(), disabledPlans: [MCOEV_PLAN_ID] }] }),
      ['disabled-plans'],
    ],
    [
      'a group assignment that failed',
      later({
        licenseAssignmentStates: [
          {
            skuId: RA_SKU_ID,
            disabledPlans: [],
            assignedByGroup: LICENSING_GROUP_ID,
            state: 'Error',
            error: 'CountViolation',
          },
        ],
      }),
      ['assignment-states'],
    ],
    ['the account enabled', later({ accountEnabled: true }), ['account-enabled']],
    [
      'the department set',
      later({ department: 'Microsoft Communication Application Instance' }),
      ['department'],
    ],
    ['the user deleted', later({ deleted: true, assignedLicenses: [] }), ['licenses', 'deleted']],
  ])('%s', (_label, after, expected) => {
    expect(relevantDifferences(base, after)).toEqual(expected);
    const change = diffSnapshots(base, after, trigger);
    if (expected.length === 0) expect(change).toBeNull();
    else
      expect(change).toMatchObject({
        before: base,
        after,
        source,
        receivedAt: trigger.receivedAt,
        activities: [],
      });
  });

  it('reports the SKUs added and removed', () => {
    const change = diffSnapshots(base, later({ assignedLicenses: [lic.ra(), lic.sharedDevices()] }), trigger);
    expect(change?.removedSkuIds).toEqual([TEAMS_PHONE_STANDARD_SKU_ID]);
    expect(change?.addedSkuIds).toEqual([RA_SKU_ID, lic.sharedDevices().skuId]);
  });

  it('treats the first sight of a user as a baseline change from nothing', () => {
    const change = diffSnapshots(null, base, trigger);
    expect(change).toMatchObject({
      before: null,
      addedSkuIds: [TEAMS_PHONE_STANDARD_SKU_ID],
      removedSkuIds: [],
    });
    expect(change?.source).toEqual({ ...source, kind: 'baseline' });
  });

  it('keeps no baseline for a user first seen already deleted', () => {
    expect(diffSnapshots(null, later({ deleted: true, assignedLicenses: [] }), trigger)).toBeNull();
  });

  it('reports every SKU as removed when the user is deleted', () => {
    const change = diffSnapshots(base, later({ deleted: true, assignedLicenses: [] }), trigger);
    expect(change?.removedSkuIds).toEqual([TEAMS_PHONE_STANDARD_SKU_ID]);
  });

  it('sees a deleted user coming back', () => {
    const gone = later({ deleted: true, assignedLicenses: [] });
    expect(relevantDifferences(gone, { ...base, observedAt: '2025-03-05T00:00:00.000Z' })).toEqual([
      'licenses',
      'deleted',
    ]);
  });
});
