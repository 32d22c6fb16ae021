import { MCOEV_VIRTUALUSER_PLAN_ID, RA_SKU_ID } from '../../src/licensing/catalog-data';
import { createLicenseCatalog } from '../../src/licensing/license-catalog';
import { findUnlicensed } from '../../src/rules/unlicensed';
import {
  LICENSING_GROUP_ID,
  UNKNOWN_SKU_ID,
  lic,
  resourceAccount,
  sampleSubscribedSkus,
  sampleUser,
  snapshot,
} from '../fixtures/licensing';

const catalog = createLicenseCatalog(sampleSubscribedSkus());
const ra = resourceAccount();

describe('ra.unlicensed: every resource account holds the Teams Phone Resource Account license', () => {
  it.each([
    ['holds nothing at all -> flagged', [], 1],
    ['holds only Teams Phone Standard -> flagged', [lic.standard()], 1],
    [
      'holds the RA SKU with its only plan disabled -> flagged',
      [{ skuId: RA_SKU_ID, disabledPlans: [MCOEV_VIRTUALUSER_PLAN_ID] }],
      1,
    ],
    ['holds only an unknown SKU (never guessed to be the RA license) -> flagged', [lic.unknown()], 1],
    ['holds the RA license -> clean', [lic.ra()], 0],
    ['holds the RA license and Standard (another rule’s business) -> clean', [lic.ra(), lic.standard()], 0],
  ])('a resource account that %s', (_label, licenses, count) => {
    expect(findUnlicensed({ snapshot: snapshot(licenses), resourceAccount: ra, catalog })).toHaveLength(
      count,
    );
  });

  it('passes the sample resource account, which holds PHONESYSTEM_VIRTUALUSER', () => {
    const sample = sampleUser('user-with-licenses.json');
    expect(findUnlicensed({ snapshot: sample, resourceAccount: ra, catalog })).toEqual([]);
  });

  it('ignores accounts that are not resource accounts, and deleted ones', () => {
    expect(findUnlicensed({ snapshot: snapshot([]), resourceAccount: null, catalog })).toEqual([]);
    expect(
      findUnlicensed({ snapshot: snapshot([], { deleted: true }), resourceAccount: ra, catalog }),
    ).toEqual([]);
  });

  describe('the finding', () => {
    const failedGroupLicense = {
      skuId: RA_SKU_ID,
      disabledPlans: [],
      assignedByGroup: LICENSING_GROUP_ID,
      state: 'Error',
      error: 'CountViolation',
    };
    const [finding] = findUnlicensed({
      snapshot: snapshot([lic.standard(), lic.unknown()], { states: [failedGroupLicense] }),
      resourceAccount: ra,
      catalog,
    });

    it('is critical and names the account', () => {
      expect(finding?.severity).toBe('critical');
      expect(finding?.title).toBe(
        'Sales Queue (ra_cq_sales@contoso.onmicrosoft.com) has no Teams Phone Resource Account license',
      );
      expect(finding?.subject).toMatchObject({ kind: 'user', userId: ra.userId });
    });

    it('shows why it decided: how the account was identified, what it holds, what failed, what is unknown', () => {
      expect(finding?.evidence).toMatchObject({
        identifiedBy: 'teams-user-configuration',
        teamsPhoneStandardGrants: [{ skuPartNumber: 'MCOEV', assignedByGroup: null }],
        failedAssignments: [
          {
            skuPartNumber: 'PHONESYSTEM_VIRTUALUSER',
            error: 'CountViolation',
            assignedByGroup: LICENSING_GROUP_ID,
          },
        ],
        unknownSkuIds: [UNKNOWN_SKU_ID],
      });
    });

    it('tells the admin to assign it, that it is bought at $0 within the allocation, and warns about a prior removal', () => {
      const text = finding?.remediation.join('\n') ?? '';
      expect(text).toContain('Assign the Teams Phone Resource Account license');
      expect(text).toContain('$0');
      expect(text).toMatch(/removed .* in a separate step before, the account may already be broken/);
      expect(text).toContain('create a NEW resource account');
      expect(text).toContain('ONE operation'); // it still holds Standard: warn against removing it first
    });

    it('has a key stable for the account', () => {
      const again = findUnlicensed({
        snapshot: snapshot([], { observedAt: '2025-03-05T00:00:00.000Z' }),
        resourceAccount: ra,
        catalog,
      });
      expect(again[0]?.dedupeKey).toBe(finding?.dedupeKey);
      const other = findUnlicensed({
        snapshot: snapshot([], { userId: 'd2e1c0b9-0000-4000-8000-000000000001' }),
        resourceAccount: resourceAccount('d2e1c0b9-0000-4000-8000-000000000001'),
        catalog,
      });
      expect(other[0]?.dedupeKey).not.toBe(finding?.dedupeKey);
    });
  });
});
