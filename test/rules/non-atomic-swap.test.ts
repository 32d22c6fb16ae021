import type { AssignedLicense, Finding, LicenseActivity, UserSnapshot } from '../../src/glossary';
import {
  MCOEV_PLAN_ID,
  OFFICE_365_E5_SKU_ID,
  RA_SKU_ID,
  TEAMS_PHONE_STANDARD_SKU_ID,
} from '../../src/licensing/catalog-data';
import { createLicenseCatalog } from '../../src/licensing/license-catalog';
import { findNonAtomicSwap, swapNeedsAuditCheck } from '../../src/rules/non-atomic-swap';
import {
  UNKNOWN_SKU_ID,
  activity,
  lic,
  resourceAccount,
  sampleSubscribedSkus,
  sampleSwapActivities,
  snapshot,
} from '../fixtures/licensing';

const catalog = createLicenseCatalog(sampleSubscribedSkus());
const ra = resourceAccount();
const STD = TEAMS_PHONE_STANDARD_SKU_ID;
const RA = RA_SKU_ID;

const before = (licenses: AssignedLicense[]) =>
  snapshot(licenses, { observedAt: '2025-03-04T09:00:00.000Z' });
const after = (licenses: AssignedLicense[]) => snapshot(licenses, { observedAt: '2025-03-04T11:00:00.000Z' });

function swap(b: UserSnapshot | null, a: UserSnapshot, activities: LicenseActivity[]): Finding[] {
  return findNonAtomicSwap({ resourceAccount: ra, before: b, after: a, activities, catalog });
}

const removeStd = activity(
  'aaaaaaaa-0000-4000-8000-00000000000a',
  '2025-03-04T10:00:00.000Z',
  { removed: [STD] },
  'admin@contoso.com',
);
const addRa = activity(
  'bbbbbbbb-0000-4000-8000-00000000000b',
  '2025-03-04T10:01:00.000Z',
  { added: [RA] },
  'provisioning-app',
);
const addRaFirst = { ...addRa, at: '2025-03-04T09:59:00.000Z' };
const atomicSwap = activity('cccccccc-0000-4000-8000-00000000000c', '2025-03-04T10:00:00.000Z', {
  removed: [STD],
  added: [RA],
});

describe('ra.non-atomic-swap: Standard out and RA license in must be one activity', () => {
  describe('classifies by the audit activities', () => {
    it.each([
      ['one activity removing Standard and adding RA (atomic) -> no finding', [atomicSwap], null],
      ['two activities, remove first -> critical', [removeStd, addRa], 'critical'],
      ['two activities, add first -> warning', [addRaFirst, removeStd], 'warning'],
      ['two activities, remove first, given newest first -> critical', [addRa, removeStd], 'critical'],
      ['two activities, add first, given newest first -> warning', [removeStd, addRaFirst], 'warning'],
      [
        'remove first with every record delivered twice -> one critical',
        [removeStd, addRa, removeStd, { ...addRa }],
        'critical',
      ],
    ] as const)('%s', (_label, activities, severity) => {
      const findings = swap(before([lic.standard()]), after([lic.ra()]), [...activities]);
      expect(findings.map((f) => f.severity)).toEqual(severity === null ? [] : [severity]);
    });
  });

  it('merges the parts of one activity (same id, records split or repeated) instead of seeing two operations', () => {
    const part1 = activity(atomicSwap.activityId, '2025-03-04T10:00:00.000Z', { removed: [STD] });
    const part2 = {
      ...activity(atomicSwap.activityId, '2025-03-04T10:00:01.000Z', { added: [RA] }),
      auditRecordIds: ['part-2'],
    };
    expect(swap(before([lic.standard()]), after([lic.ra()]), [part2, part1])).toEqual([]);
  });

  it('keeps every audit record of a repeated activity in the evidence, once', () => {
    const again = { ...removeStd, auditRecordIds: ['Directory_repeat_2'] };
    const [finding] = swap(before([lic.standard()]), after([lic.ra()]), [removeStd, addRa, again, removeStd]);
    const activities = finding?.evidence['activities'] as Array<{ auditRecordIds: string[] }>;
    expect(activities[0]?.auditRecordIds).toEqual([...removeStd.auditRecordIds, 'Directory_repeat_2']);
  });

  it('flags the sample audit records (remove MCOEV by an admin, add RA by an app 40 s later) as remove-first', () => {
    const [finding, ...rest] = swap(before([lic.standard()]), after([lic.ra()]), sampleSwapActivities());
    expect(rest).toEqual([]);
    expect(finding?.severity).toBe('critical');
    expect(finding?.evidence).toMatchObject({
      order: 'remove-first',
      proof: 'audit-log',
      secondsWithoutLicense: 41,
      activities: [
        {
          role: 'removed Teams Phone Standard',
          activityId: 'b7e2d9a4-1c6f-4e30-9a85-3f0d7c2e1b96',
          initiatedBy: 'admin@contoso.onmicrosoft.com',
          removedSkus: [{ skuId: STD, skuPartNumber: 'MCOEV' }],
        },
        {
          role: 'added the Teams Phone Resource Account license',
          activityId: '4a1f8c3e-7d92-4b05-a6e1-d0c3b9f2e847',
          initiatedBy: 'contoso-provisioning',
          addedSkus: [{ skuId: RA, skuPartNumber: 'PHONESYSTEM_VIRTUALUSER' }],
        },
      ],
    });
  });

  describe('the remove-first finding', () => {
    const [finding] = swap(before([lic.standard()]), after([lic.ra()]), [removeStd, addRa]);

    it('lists both activities with ids, times and who did them', () => {
      const activities = finding?.evidence['activities'] as Array<Record<string, unknown>>;
      expect(activities.map((a) => [a['activityId'], a['at'], a['initiatedBy']])).toEqual([
        [removeStd.activityId, removeStd.at, 'admin@contoso.com'],
        [addRa.activityId, addRa.at, 'provisioning-app'],
      ]);
      expect(finding?.evidence['secondsWithoutLicense']).toBe(60);
    });

    it('tells the admin to test the AA/CQ now and how Microsoft recommends recovering', () => {
      const text = finding?.remediation.join('\n') ?? '';
      expect(text).toContain('Test the auto attendant or call queue now');
      expect(text).toMatch(
        /create a NEW resource account.*move the phone number and the auto attendant \/ call queue association.*delete the broken account/,
      );
    });
  });

  describe('dedupe keys', () => {
    const keyOf = (activities: LicenseActivity[], a = after([lic.ra()])) =>
      swap(before([lic.standard()]), a, activities)[0]?.dedupeKey;

    it('are the same for the same incident, whatever the order or duplication of its records', () => {
      const key = keyOf([removeStd, addRa]);
      expect(key).toContain(removeStd.activityId);
      expect(keyOf([addRa, removeStd, removeStd])).toBe(key);
    });

    it('do not change when the addition’s record arrives after the removal’s (no second alert)', () => {
      expect(keyOf([removeStd], after([]))).toBe(keyOf([removeStd, addRa]));
    });

    it('differ for a new incident on the same account', () => {
      const later = activity('dddddddd-0000-4000-8000-00000000000d', '2025-04-01T10:00:00.000Z', {
        removed: [STD],
      });
      const laterAdd = activity('eeeeeeee-0000-4000-8000-00000000000e', '2025-04-01T10:02:00.000Z', {
        added: [RA],
      });
      expect(keyOf([later, laterAdd])).not.toBe(keyOf([removeStd, addRa]));
    });

    it('include both activity ids for add-first', () => {
      const key = keyOf([addRaFirst, removeStd]);
      expect(key).toContain(addRaFirst.activityId);
      expect(key).toContain(removeStd.activityId);
    });
  });

  describe('proof from snapshots alone', () => {
    it('a resource account that had Standard and now holds neither was swapped remove-first, even with no audit record', () => {
      const [finding, ...rest] = swap(before([lic.standard()]), after([]), []);
      expect(rest).toEqual([]);
      expect(finding?.severity).toBe('critical');
      expect(finding?.evidence).toMatchObject({
        proof: 'snapshots',
        activities: [],
        standardLastSeenAt: '2025-03-04T09:00:00.000Z',
      });
    });

    it.each([
      ['Standard gone, RA present, no record: only the audit log can tell', [lic.ra()]],
      ['still holds Standard', [lic.standard()]],
    ])('no finding when %s', (_label, licenses) => {
      expect(swap(before([lic.standard()]), after(licenses), [])).toEqual([]);
    });

    it('no finding for an account that never had Standard and still has nothing', () => {
      expect(swap(before([]), after([]), [])).toEqual([]);
    });
  });

  describe('counts only a real loss of Standard', () => {
    it('an unknown SKU removed before the RA license is added is not a Standard removal', () => {
      const removeUnknown = activity(removeStd.activityId, removeStd.at, { removed: [UNKNOWN_SKU_ID] });
      expect(swap(before([lic.unknown()]), after([lic.ra()]), [removeUnknown, addRa])).toEqual([]);
    });

    it('E5 with MCOEV in disabledPlans never brought Standard, so removing it first is no swap', () => {
      const removeE5 = activity(removeStd.activityId, removeStd.at, { removed: [OFFICE_365_E5_SKU_ID] });
      expect(swap(before([lic.e5([MCOEV_PLAN_ID])]), after([lic.ra()]), [removeE5, addRa])).toEqual([]);
    });

    it('E5 with MCOEV enabled, removed first, is a remove-first swap naming ENTERPRISEPREMIUM', () => {
      const removeE5 = activity(removeStd.activityId, removeStd.at, { removed: [OFFICE_365_E5_SKU_ID] });
      const [finding] = swap(before([lic.e5()]), after([lic.ra()]), [removeE5, addRa]);
      expect(finding?.severity).toBe('critical');
      expect(JSON.stringify(finding?.evidence['activities'])).toContain('ENTERPRISEPREMIUM');
    });

    it('dropping one of two SKUs that bring Standard, then swapping the other atomically, leaves no gap', () => {
      const atomicE5 = activity(atomicSwap.activityId, '2025-03-04T10:05:00.000Z', {
        removed: [OFFICE_365_E5_SKU_ID],
        added: [RA],
      });
      expect(swap(before([lic.standard(), lic.e5()]), after([lic.ra()]), [removeStd, atomicE5])).toEqual([]);
    });

    it('removing Standard and the RA license together is no swap', () => {
      const removeBoth = activity(removeStd.activityId, removeStd.at, { removed: [STD, RA] });
      expect(swap(before([lic.standard(), lic.ra()]), after([]), [removeBoth])).toEqual([]);
    });

    it('removing Standard from an account that held the RA license long before is no add-first incident', () => {
      expect(swap(before([lic.standard(), lic.ra()]), after([lic.ra()]), [removeStd])).toEqual([]);
    });
  });

  it('reconstructs the start from the activities when there is no earlier snapshot', () => {
    expect(swap(null, after([lic.ra()]), [addRa, removeStd]).map((f) => f.severity)).toEqual(['critical']);
  });

  it('ignores activities of other accounts', () => {
    const elsewhere = { ...addRa, userId: 'c81d4e2f-3a5b-4f6c-9d7e-1b2a3c4d5e6f' };
    const [finding] = swap(before([lic.standard()]), after([lic.ra()]), [removeStd, elsewhere]);
    expect(finding?.evidence['activities']).toHaveLength(1); // the removal only: the add was someone else's
  });

  it('says nothing about a deleted account', () => {
    expect(swap(before([lic.standard()]), snapshot([], { deleted: true }), [removeStd, addRa])).toEqual([]);
  });
});

describe('swapNeedsAuditCheck: whether only the audit log can classify a resource account’s change', () => {
  it.each([
    ['Standard → RA (one activity or two?) -> true', [lic.standard()], [lic.ra()], true],
    ['Standard → neither (audit supplies the evidence) -> true', [lic.standard()], [], true],
    [
      'Standard + RA → RA (was the add recent and separate?) -> true',
      [lic.standard(), lic.ra()],
      [lic.ra()],
      true,
    ],
    ['E5 → RA -> true', [lic.e5()], [lic.ra()], true],
    [
      'E5 with MCOEV disabled → RA (never had Standard) -> false',
      [lic.e5([MCOEV_PLAN_ID])],
      [lic.ra()],
      false,
    ],
    [
      'Standard → Standard + RA (nothing removed yet) -> false',
      [lic.standard()],
      [lic.standard(), lic.ra()],
      false,
    ],
    ['neither → RA (a first license) -> false', [], [lic.ra()], false],
    [
      'Standard + RA → neither (everything removed: not a swap) -> false',
      [lic.standard(), lic.ra()],
      [],
      false,
    ],
    ['unknown SKU → RA (unknown is never Standard) -> false', [lic.unknown()], [lic.ra()], false],
  ])('%s', (_label, was, now, expected) => {
    expect(
      swapNeedsAuditCheck({ resourceAccount: ra, before: before(was), after: after(now), catalog }),
    ).toBe(expected);
  });

  it('is false without an earlier snapshot or for a deleted account', () => {
    expect(
      swapNeedsAuditCheck({ resourceAccount: ra, before: null, after: after([lic.ra()]), catalog }),
    ).toBe(false);
    expect(
      swapNeedsAuditCheck({
        resourceAccount: ra,
        before: before([lic.standard()]),
        after: snapshot([], { deleted: true }),
        catalog,
      }),
    ).toBe(false);
  });
});
