import {
  MCOEV_PLAN_ID,
  OFFICE_365_E5_SKU_ID,
  TEAMS_PHONE_STANDARD_SKU_ID,
} from '../../src/licensing/catalog-data';
import { createLicenseCatalog } from '../../src/licensing/license-catalog';
import { findStandardOnRa } from '../../src/rules/standard-on-ra';
import {
  LICENSING_GROUP_ID,
  YAMMER_PLAN_ID,
  lic,
  resourceAccount,
  sampleSubscribedSkus,
  sampleUser,
  snapshot,
} from '../fixtures/licensing';

const catalog = createLicenseCatalog(sampleSubscribedSkus());
const ra = resourceAccount();

describe('ra.standard-on-ra: a resource account does not hold Teams Phone Standard', () => {
  it.each([
    ['Teams Phone Standard -> flagged (MCOEV)', [lic.standard()], ['MCOEV']],
    ['Standard through E5 -> flagged (ENTERPRISEPREMIUM)', [lic.e5()], ['ENTERPRISEPREMIUM']],
    [
      'Standard through E5 with another plan (Yammer) disabled -> flagged',
      [lic.e5([YAMMER_PLAN_ID])],
      ['ENTERPRISEPREMIUM'],
    ],
    ['Standard through Teams Shared Devices -> flagged (MCOCAP)', [lic.sharedDevices()], ['MCOCAP']],
    [
      'Standard through E5 and MCOCAP at once -> one finding naming both',
      [lic.e5(), lic.sharedDevices()],
      ['ENTERPRISEPREMIUM', 'MCOCAP'],
    ],
    ['E5 with MCOEV in disabledPlans -> clean', [lic.e5([MCOEV_PLAN_ID])], []],
    ['only the RA license -> clean', [lic.ra()], []],
    ['an unknown SKU (never counted as Standard) -> clean', [lic.unknown(), lic.ra()], []],
  ])('a resource account holding %s', (_label, licenses, skus) => {
    const findings = findStandardOnRa({ snapshot: snapshot(licenses), resourceAccount: ra, catalog });
    expect(findings).toHaveLength(skus.length > 0 ? 1 : 0);
    const grants = (findings[0]?.evidence['grants'] ?? []) as Array<{ skuPartNumber: string }>;
    expect(grants.map((g) => g.skuPartNumber)).toEqual(skus);
  });

  it('ignores ordinary users with Standard (the sample E5 user) and deleted accounts', () => {
    expect(
      findStandardOnRa({
        snapshot: sampleUser('user-with-licenses-e5.json'),
        resourceAccount: null,
        catalog,
      }),
    ).toEqual([]);
    expect(
      findStandardOnRa({
        snapshot: snapshot([lic.standard()], { deleted: true }),
        resourceAccount: ra,
        catalog,
      }),
    ).toEqual([]);
  });

  it('is a warning whose title names the SKUs, and tells to switch in one operation', () => {
    const [finding] = findStandardOnRa({
      snapshot: snapshot([lic.e5(), lic.sharedDevices()]),
      resourceAccount: ra,
      catalog,
    });
    expect(finding?.severity).toBe('warning');
    expect(finding?.title).toBe(
      'Resource account Sales Queue (ra_cq_sales@contoso.onmicrosoft.com) holds Teams Phone Standard (through ENTERPRISEPREMIUM and MCOCAP)',
    );
    const text = finding?.remediation.join('\n') ?? '';
    expect(text).toContain('ONE operation');
    expect(text).toMatch(/assignLicense call with .* addLicenses and .* removeLicenses/);
    expect(text).toContain('move users to a different subscription');
    expect(text).toContain(`add ${MCOEV_PLAN_ID} to disabledPlans`); // suites: switch the plan off instead
  });

  it('says removing is safe when the account already holds the RA license', () => {
    const [finding] = findStandardOnRa({
      snapshot: snapshot([lic.standard(), lic.ra()]),
      resourceAccount: ra,
      catalog,
    });
    expect(finding?.evidence['holdsResourceAccountLicense']).toBe(true);
    expect(finding?.remediation[0]).toMatch(/already holds the Teams Phone Resource Account license/);
  });

  it('names the group for group-based licensing and warns that the order matters', () => {
    const states = [
      {
        skuId: TEAMS_PHONE_STANDARD_SKU_ID,
        disabledPlans: [],
        assignedByGroup: LICENSING_GROUP_ID,
        state: 'Active',
        error: null,
      },
    ];
    const [finding] = findStandardOnRa({
      snapshot: snapshot([lic.standard()], { states }),
      resourceAccount: ra,
      catalog,
    });
    expect(finding?.evidence['grants']).toEqual([
      {
        skuId: TEAMS_PHONE_STANDARD_SKU_ID,
        skuPartNumber: 'MCOEV',
        servicePlanName: 'MCOEV',
        assignedByGroup: LICENSING_GROUP_ID,
      },
    ]);
    expect(finding?.remediation.join('\n')).toMatch(
      new RegExp(`group ${LICENSING_GROUP_ID}.*directly first, then take the account out of the group`),
    );
  });

  it('keeps one key per account whichever SKU brings Standard', () => {
    const viaE5 = findStandardOnRa({
      snapshot: snapshot([{ skuId: OFFICE_365_E5_SKU_ID, disabledPlans: [] }]),
      resourceAccount: ra,
      catalog,
    });
    const viaStandard = findStandardOnRa({
      snapshot: snapshot([lic.standard()]),
      resourceAccount: ra,
      catalog,
    });
    expect(viaE5[0]?.dedupeKey).toBe(viaStandard[0]?.dedupeKey);
    expect(viaE5[0]?.dedupeKey).toBe(`ra.standard-on-ra:${ra.tenantId}:${ra.userId}`);
  });
});
