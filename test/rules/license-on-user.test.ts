import { MCOEV_VIRTUALUSER_PLAN_ID, RA_SKU_ID } from '../../src/licensing/catalog-data';
import { createLicenseCatalog } from '../../src/licensing/license-catalog';
import { findLicenseOnUser } from '../../src/rules/license-on-user';
import {
  LICENSING_GROUP_ID,
  SAMPLE_E5_USER_ID,
  lic,
  resourceAccount,
  sampleSubscribedSkus,
  sampleUser,
  snapshot,
} from '../fixtures/licensing';

const catalog = createLicenseCatalog(sampleSubscribedSkus());
const user = (licenses: Parameters<typeof snapshot>[0], overrides: Parameters<typeof snapshot>[1] = {}) =>
  snapshot(licenses, {
    userId: SAMPLE_E5_USER_ID,
    displayName: 'Adele Vance',
    userPrincipalName: 'AdeleV@contoso.com',
    accountEnabled: true,
    ...overrides,
  });

describe('ra.license-on-user: the RA license is never on a user who is not a resource account', () => {
  it.each([
    ['an ordinary user with the RA license -> flagged', user([lic.e5(), lic.ra()]), null, 1],
    [
      'an ordinary user with the RA SKU but its plan disabled -> clean',
      user([{ skuId: RA_SKU_ID, disabledPlans: [MCOEV_VIRTUALUSER_PLAN_ID] }]),
      null,
      0,
    ],
    ['the sample E5 user (no RA license) -> clean', sampleUser('user-with-licenses-e5.json'), null, 0],
    ['a resource account with the RA license -> clean', snapshot([lic.ra()]), resourceAccount(), 0],
    ['a deleted user with the RA license -> clean', user([lic.ra()], { deleted: true }), null, 0],
  ])('%s', (_label, snap, ra, count) => {
    expect(findLicenseOnUser({ snapshot: snap, resourceAccount: ra, catalog })).toHaveLength(count);
  });

  it('is a warning naming the user and the SKU, with the way out in both directions', () => {
    const [finding] = findLicenseOnUser({ snapshot: user([lic.ra()]), resourceAccount: null, catalog });
    expect(finding?.severity).toBe('warning');
    expect(finding?.title).toBe(
      'Adele Vance (AdeleV@contoso.com) holds a Teams Phone Resource Account license but is not a resource account',
    );
    expect(finding?.evidence).toMatchObject({
      grants: [{ skuPartNumber: 'PHONESYSTEM_VIRTUALUSER', assignedByGroup: null }],
      accountEnabled: true,
    });
    expect(finding?.remediation.join('\n')).toMatch(
      /resource-account registry[\s\S]*remove the Teams Phone Resource Account license/,
    );
    expect(finding?.dedupeKey).toBe(
      `ra.license-on-user:5f1c9a3e-7d2b-4c8e-9a61-3b0d4e2f8c17:${SAMPLE_E5_USER_ID}`,
    );
  });

  it('names the group when group-based licensing brought it', () => {
    const states = [
      {
        skuId: RA_SKU_ID,
        disabledPlans: [],
        assignedByGroup: LICENSING_GROUP_ID,
        state: 'Active',
        error: null,
      },
    ];
    const [finding] = findLicenseOnUser({
      snapshot: user([lic.ra()], { states }),
      resourceAccount: null,
      catalog,
    });
    expect(finding?.evidence['grants']).toEqual([
      {
        skuId: RA_SKU_ID,
        skuPartNumber: 'PHONESYSTEM_VIRTUALUSER',
        servicePlanName: 'MCOEV_VIRTUALUSER',
        assignedByGroup: LICENSING_GROUP_ID,
      },
    ]);
    expect(finding?.remediation.join('\n')).toContain(`group ${LICENSING_GROUP_ID}`);
  });
});
