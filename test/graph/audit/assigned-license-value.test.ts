import { parseAssignedLicenseValue } from '../../../src/graph/audit/assigned-license-value';

const TENANT = '5f1c9a3e-7d2b-4c8e-9a61-3b0d4e2f8c17';
const MCOEV = 'e43b5b99-8dfb-405f-9987-dc307f34bcbd';
const RA = '440eaaa8-b3e0-484b-a8be-62870b9ba70a';
const YAMMER = '7547a3fe-08ee-4ccb-b430-5077c5041653';
const E5 = 'c7df2760-2c81-4ef7-b578-5b5392b571df';

const entry = (name: string, sku: string, disabled = '') =>
  `[SkuName=${name}, AccountId=${TENANT}, SkuId=${sku}, DisabledPlans=[${disabled}]]`;

describe('parseAssignedLicenseValue reads the AssignedLicense audit value tolerantly', () => {
  const cases: Array<
    [string, string | null, Array<{ skuId: string; skuName: string | null; disabledPlans: string[] }>]
  > = [
    ['an empty JSON list', '[]', []],
    ['null (a first assignment has no old value)', null, []],
    [
      'a compact JSON list of one license',
      JSON.stringify([entry('MCOEV', MCOEV)]),
      [{ skuId: MCOEV, skuName: 'MCOEV', disabledPlans: [] }],
    ],
    [
      'the unified audit log pretty print with \\r\\n and indentation',
      `[\r\n  "${entry('MCOEV', MCOEV)}",\r\n  "${entry('PHONESYSTEM_VIRTUALUSER', RA)}"\r\n]`,
      [
        { skuId: MCOEV, skuName: 'MCOEV', disabledPlans: [] },
        { skuId: RA, skuName: 'PHONESYSTEM_VIRTUALUSER', disabledPlans: [] },
      ],
    ],
    [
      'disabled plans with GUIDs and odd spacing',
      JSON.stringify([
        `[SkuName = ENTERPRISEPREMIUM ,AccountId=${TENANT},  SkuId = ${E5.toUpperCase()},\n DisabledPlans=[${YAMMER}, ${MCOEV}]]`,
      ]),
      [{ skuId: E5, skuName: 'ENTERPRISEPREMIUM', disabledPlans: [YAMMER, MCOEV] }],
    ],
    [
      'a double-encoded JSON string',
      JSON.stringify(JSON.stringify([entry('MCOEV', MCOEV)])),
      [{ skuId: MCOEV, skuName: 'MCOEV', disabledPlans: [] }],
    ],
    [
      'unquoted entries (not JSON at all)',
      `[${entry('MCOEV', MCOEV)}, ${entry('PHONESYSTEM_VIRTUALUSER', RA, YAMMER)}]`,
      [
        { skuId: MCOEV, skuName: 'MCOEV', disabledPlans: [] },
        { skuId: RA, skuName: 'PHONESYSTEM_VIRTUALUSER', disabledPlans: [YAMMER] },
      ],
    ],
    [
      'an entry without SkuName',
      JSON.stringify([`[AccountId=${TENANT}, SkuId=${RA}, DisabledPlans=[]]`]),
      [{ skuId: RA, skuName: null, disabledPlans: [] }],
    ],
  ];

  it.each(cases)('%s', (_name, value, expected) => {
    expect(parseAssignedLicenseValue(value)).toEqual({ ok: true, licenses: expected });
  });

  const bad: Array<[string, string]> = [
    ['a JSON object', '{"SkuId":"x"}'],
    ['an entry with no SkuId', JSON.stringify(['[SkuName=MCOEV, DisabledPlans=[]]'])],
    ['a list of numbers', '[1,2]'],
    ['prose', 'license changed'],
  ];
  it.each(bad)('reports %s as a problem, without throwing', (_name, value) => {
    const result = parseAssignedLicenseValue(value);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toMatch(/AssignedLicense/);
  });
});
