import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseLicenseActivities } from '../../../src/graph/audit/license-activities';

// Copies of ../shared/graph-samples/directory-audit-*.json (Graph's wire shape), kept beside the test so CI has them.
const sample = (name: string): Array<Record<string, unknown>> =>
  (
    JSON.parse(readFileSync(join(__dirname, 'samples', name), 'utf8')) as {
      value: Array<Record<string, unknown>>;
    }
  ).value;
const changeRecords = sample('directory-audit-change-user-license.json');
const updateRecords = sample('directory-audit-update-user-license.json');

const TENANT = '5f1c9a3e-7d2b-4c8e-9a61-3b0d4e2f8c17';
const RA_USER = 'a3f6c2d1-9b84-4e7a-8c15-6d2e0f9b7a41';
const MCOEV = 'e43b5b99-8dfb-405f-9987-dc307f34bcbd';
const RA_SKU = '440eaaa8-b3e0-484b-a8be-62870b9ba70a';
const E5 = 'c7df2760-2c81-4ef7-b578-5b5392b571df';

const license = (name: string, sku: string) =>
  `[SkuName=${name}, AccountId=${TENANT}, SkuId=${sku}, DisabledPlans=[]]`;
const value = (...entries: string[]) => JSON.stringify(entries);

/** A record in Graph's shape; `props` become the target's modifiedProperties. */
function record(options: {
  id: string;
  correlationId: string;
  activity: 'Change user license' | 'Update user';
  at: string;
  props?: Array<{ displayName: string; oldValue: string | null; newValue: string | null }>;
  additionalDetails?: Array<{ key: string; value: string }>;
  result?: string;
  user?: string;
}): Record<string, unknown> {
  return {
    id: options.id,
    category: 'UserManagement',
    correlationId: options.correlationId,
    result: options.result ?? 'success',
    activityDisplayName: options.activity,
    activityDateTime: options.at,
    loggedByService: 'Core Directory',
    operationType: 'Update',
    initiatedBy: {
      user: {
        id: 'f2a9c7e1-4b3d-4e8f-a6c2-9d1b0e7f3a58',
        userPrincipalName: 'admin@contoso.onmicrosoft.com',
      },
      app: null,
    },
    targetResources: [{ id: options.user ?? RA_USER, type: 'User', modifiedProperties: options.props ?? [] }],
    additionalDetails: options.additionalDetails ?? [{ key: 'UserType', value: 'Member' }],
  };
}

describe('parseLicenseActivities on the Graph samples (non-atomic swap in two operations)', () => {
  const { activities, problems } = parseLicenseActivities([...changeRecords, ...updateRecords], {
    tenantId: TENANT,
    userId: RA_USER,
  });

  it('finds two activities, oldest first, one per correlation id', () => {
    expect(problems).toEqual([]);
    expect(activities.map((a) => a.activityId)).toEqual([
      'b7e2d9a4-1c6f-4e30-9a85-3f0d7c2e1b96',
      '4a1f8c3e-7d92-4b05-a6e1-d0c3b9f2e847',
    ]);
  });

  it('reads the detail from the "Update user" record and diffs the full sets', () => {
    const [removal, addition] = activities;
    expect(removal).toMatchObject({
      removedSkuIds: [MCOEV],
      addedSkuIds: [],
      initiatedBy: 'admin@contoso.onmicrosoft.com',
      userId: RA_USER,
    });
    expect(addition).toMatchObject({
      removedSkuIds: [],
      addedSkuIds: [RA_SKU],
      initiatedBy: 'contoso-provisioning',
      tenantId: TENANT,
    });
    expect(removal?.at).toBe('2025-03-04T10:21:07.119Z');
  });

  it('keeps both records of a pair as evidence', () => {
    expect(activities[0]?.auditRecordIds.sort()).toEqual([
      'Directory_b7e2d9a4-1c6f-4e30-9a85-3f0d7c2e1b96_7KQPN_188402377',
      'Directory_b7e2d9a4-1c6f-4e30-9a85-3f0d7c2e1b96_7KQPN_188402378',
    ]);
  });

  it('reports a "Change user license" whose "Update user" has not arrived yet, without inventing a change', () => {
    const result = parseLicenseActivities(changeRecords, { tenantId: TENANT, userId: RA_USER });
    expect(result.activities).toEqual([]);
    expect(result.problems.map((p) => p.kind)).toEqual(['license-detail-missing', 'license-detail-missing']);
  });
});

describe('parseLicenseActivities, table of cases', () => {
  const swapAtomic = value(license('MCOEV', MCOEV));
  const cases: Array<{
    name: string;
    records: unknown[];
    added: string[][];
    removed: string[][];
    problems: string[];
  }> = [
    {
      name: 'an atomic swap with the detail on "Change user license" (newer format) is one activity',
      records: [
        record({
          id: 'r1',
          correlationId: 'c1',
          activity: 'Change user license',
          at: '2025-03-04T10:00:00.1234567Z',
          props: [
            {
              displayName: 'AssignedLicense',
              oldValue: swapAtomic,
              newValue: value(license('PHONESYSTEM_VIRTUALUSER', RA_SKU)),
            },
          ],
        }),
        record({
          id: 'r2',
          correlationId: 'c1',
          activity: 'Update user',
          at: '2025-03-04T10:00:00.2234567Z',
        }),
      ],
      added: [[RA_SKU]],
      removed: [[MCOEV]],
      problems: [],
    },
    {
      name: 'the same record listed twice by overlapping polls counts once',
      records: [
        record({
          id: 'r1',
          correlationId: 'c1',
          activity: 'Update user',
          at: '2025-03-04T10:00:00Z',
          props: [
            { displayName: 'AssignedLicense', oldValue: '[]', newValue: value(license('MCOEV', MCOEV)) },
          ],
        }),
        record({
          id: 'r1',
          correlationId: 'c1',
          activity: 'Update user',
          at: '2025-03-04T10:00:00Z',
          props: [
            { displayName: 'AssignedLicense', oldValue: '[]', newValue: value(license('MCOEV', MCOEV)) },
          ],
        }),
      ],
      added: [[MCOEV]],
      removed: [[]],
      problems: [],
    },
    {
      name: 'an "Update user" that changed only the department is not a license activity',
      records: [
        record({
          id: 'r1',
          correlationId: 'c1',
          activity: 'Update user',
          at: '2025-03-04T10:00:00Z',
          props: [{ displayName: 'Department', oldValue: '"a"', newValue: '"b"' }],
        }),
      ],
      added: [],
      removed: [],
      problems: [],
    },
    {
      name: 'a failed operation changed nothing',
      records: [
        record({
          id: 'r1',
          correlationId: 'c1',
          activity: 'Change user license',
          at: '2025-03-04T10:00:00Z',
          result: 'failure',
          props: [
            { displayName: 'AssignedLicense', oldValue: '[]', newValue: value(license('MCOEV', MCOEV)) },
          ],
        }),
      ],
      added: [],
      removed: [],
      problems: [],
    },
    {
      name: 'an unparseable value is reported and the other activities survive',
      records: [
        record({
          id: 'r1',
          correlationId: 'c1',
          activity: 'Update user',
          at: '2025-03-04T10:00:00Z',
          props: [{ displayName: 'AssignedLicense', oldValue: '[]', newValue: 'garbage' }],
        }),
        record({
          id: 'r2',
          correlationId: 'c2',
          activity: 'Update user',
          at: '2025-03-04T10:01:00Z',
          props: [
            { displayName: 'AssignedLicense', oldValue: value(license('MCOEV', MCOEV)), newValue: '[]' },
          ],
        }),
      ],
      added: [[]],
      removed: [[MCOEV]],
      problems: ['unparseable-license-value'],
    },
    {
      name: 'a record of the wrong shape is reported, not thrown',
      records: [{ id: 'broken', activityDisplayName: 'Update user', activityDateTime: 'yesterday' }, 42],
      added: [],
      removed: [],
      problems: ['unreadable-record', 'unreadable-record'],
    },
  ];

  it.each(cases)('$name', ({ records, added, removed, problems }) => {
    const result = parseLicenseActivities(records, { tenantId: TENANT, userId: RA_USER });
    expect(result.activities.map((a) => a.addedSkuIds)).toEqual(added);
    expect(result.activities.map((a) => a.removedSkuIds)).toEqual(removed);
    expect(result.problems.map((p) => p.kind)).toEqual(problems);
  });

  it('splits one correlationId that touched several users (group-based licensing) into one activity per user', () => {
    const other = '11111111-2222-3333-4444-555555555555';
    const props = [
      { displayName: 'AssignedLicense', oldValue: '[]', newValue: value(license('MCOEV', MCOEV)) },
    ];
    const records = [
      record({
        id: 'g1',
        correlationId: 'group-run',
        activity: 'Update user',
        at: '2025-03-04T10:00:00Z',
        props,
      }),
      record({
        id: 'g2',
        correlationId: 'group-run',
        activity: 'Update user',
        at: '2025-03-04T10:00:01Z',
        props,
        user: other,
      }),
    ];
    const { activities } = parseLicenseActivities(records, { tenantId: TENANT });
    expect(activities.map((a) => [a.activityId, a.userId, a.auditRecordIds])).toEqual([
      ['group-run', RA_USER, ['g1']],
      ['group-run', other, ['g2']],
    ]);
  });

  it('keeps only activities on the asked user when a record names another target', () => {
    const other = record({
      id: 'r9',
      correlationId: 'c9',
      activity: 'Update user',
      at: '2025-03-04T10:00:00Z',
      user: '11111111-2222-3333-4444-555555555555',
      props: [{ displayName: 'AssignedLicense', oldValue: '[]', newValue: value(license('MCOEV', MCOEV)) }],
    });
    expect(parseLicenseActivities([other], { tenantId: TENANT, userId: RA_USER }).activities).toEqual([]);
    expect(parseLicenseActivities([other], { tenantId: TENANT }).activities).toHaveLength(1);
  });
});

describe('split "sequence" records are joined before parsing', () => {
  // A large E5 change: the AssignedLicense property as escaped JSON, cut into three fragments.
  const payload = JSON.stringify([
    {
      Name: 'AssignedLicense',
      OldValue: value(license('ENTERPRISEPREMIUM', E5), license('MCOEV', MCOEV)),
      NewValue: value(license('ENTERPRISEPREMIUM', E5), license('PHONESYSTEM_VIRTUALUSER', RA_SKU)),
    },
    { Name: 'AssignedPlan', OldValue: '[]', NewValue: '[]' },
  ]);
  const third = Math.ceil(payload.length / 3);
  const fragments = [payload.slice(0, third), payload.slice(third, 2 * third), payload.slice(2 * third)];
  const part = (seq: number, at: string) =>
    record({
      id: `part-${seq}`,
      correlationId: 'c-split',
      activity: 'Update user',
      at,
      additionalDetails: [
        { key: 'id', value: 'seq-1' },
        { key: 'seq', value: String(seq) },
        { key: 'c', value: '3' },
        { key: 'b', value: fragments[seq - 1] ?? '' },
      ],
    });

  it('rebuilds the change from parts given in any order, citing every part', () => {
    const records = [
      part(3, '2025-03-04T10:00:00.3Z'),
      part(1, '2025-03-04T10:00:00.1Z'),
      part(2, '2025-03-04T10:00:00.2Z'),
    ];
    const { activities, problems } = parseLicenseActivities(records, { tenantId: TENANT, userId: RA_USER });
    expect(problems).toEqual([]);
    expect(activities).toHaveLength(1);
    expect(activities[0]).toMatchObject({
      activityId: 'c-split',
      addedSkuIds: [RA_SKU],
      removedSkuIds: [MCOEV],
    });
    expect(activities[0]?.auditRecordIds).toEqual(['part-1', 'part-2', 'part-3']);
  });

  it('reports a sequence with a part missing (it may still arrive)', () => {
    const { activities, problems } = parseLicenseActivities(
      [part(1, '2025-03-04T10:00:00.1Z'), part(3, '2025-03-04T10:00:00.3Z')],
      { tenantId: TENANT, userId: RA_USER },
    );
    expect(activities).toEqual([]);
    expect(problems).toEqual([
      expect.objectContaining({ kind: 'sequence-incomplete', recordIds: ['part-1', 'part-3'] }),
    ]);
  });
});
