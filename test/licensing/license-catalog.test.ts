import type { SubscribedSku } from '../../src/glossary';
import {
  MCOEV_PLAN_ID,
  MCOEV_VIRTUALUSER_PLAN_ID,
  OFFICE_365_E5_SKU_ID,
  RA_SKU_ID,
  TEAMS_PHONE_STANDARD_SKU_ID,
  TEAMS_PHONE_WITH_CALLING_PLAN_SKU_ID,
  TEAMS_SHARED_DEVICES_SKU_ID,
} from '../../src/licensing/catalog-data';
import { createLicenseCatalog } from '../../src/licensing/license-catalog';
import {
  LICENSING_GROUP_ID,
  UNKNOWN_SKU_ID,
  YAMMER_PLAN_ID,
  lic,
  sampleSubscribedSkus,
  sampleUser,
} from '../fixtures/licensing';

const tenantCatalog = createLicenseCatalog(sampleSubscribedSkus());
const emptyCatalog = createLicenseCatalog([]);

describe('the license catalog', () => {
  describe('reads a SKU’s plans from the tenant’s subscribedSkus', () => {
    it.each([
      ['PHONESYSTEM_VIRTUALUSER', RA_SKU_ID, MCOEV_VIRTUALUSER_PLAN_ID, true],
      ['PHONESYSTEM_VIRTUALUSER', RA_SKU_ID, MCOEV_PLAN_ID, false],
      ['MCOEV', TEAMS_PHONE_STANDARD_SKU_ID, MCOEV_PLAN_ID, true],
      ['MCOCAP (Shared Devices also carries MCOEV)', TEAMS_SHARED_DEVICES_SKU_ID, MCOEV_PLAN_ID, true],
      ['ENTERPRISEPREMIUM (E5 also carries MCOEV)', OFFICE_365_E5_SKU_ID, MCOEV_PLAN_ID, true],
      [
        'ENTERPRISEPREMIUM has no RA plan in the tenant list',
        OFFICE_365_E5_SKU_ID,
        MCOEV_VIRTUALUSER_PLAN_ID,
        false,
      ],
    ])('%s: contains %s -> %s', (_label, skuId, planId, expected) => {
      expect(tenantCatalog.skuContainsPlan(skuId, planId)).toBe(expected);
    });

    it('names the part number the tenant reports', () => {
      expect(tenantCatalog.skuPartNumber(TEAMS_SHARED_DEVICES_SKU_ID)).toBe('MCOCAP');
    });

    it('compares GUIDs case-insensitively', () => {
      expect(
        tenantCatalog.skuContainsPlan(RA_SKU_ID.toUpperCase(), MCOEV_VIRTUALUSER_PLAN_ID.toUpperCase()),
      ).toBe(true);
    });
  });

  describe('falls back to its own table for SKUs the tenant no longer lists', () => {
    it('knows Teams Phone Standard and the RA SKU completely', () => {
      expect(emptyCatalog.skuContainsPlan(TEAMS_PHONE_STANDARD_SKU_ID, MCOEV_PLAN_ID)).toBe(true);
      expect(emptyCatalog.skuContainsPlan(RA_SKU_ID, MCOEV_PLAN_ID)).toBe(false);
      expect(emptyCatalog.skuPartNumber(TEAMS_PHONE_WITH_CALLING_PLAN_SKU_ID)).toBe('MCOTEAMS_ESSENTIALS');
    });

    it('knows suites only in part: a plan it does not list is unknown, not absent', () => {
      expect(emptyCatalog.skuContainsPlan(OFFICE_365_E5_SKU_ID, MCOEV_PLAN_ID)).toBe(true);
      expect(emptyCatalog.skuContainsPlan(OFFICE_365_E5_SKU_ID, MCOEV_VIRTUALUSER_PLAN_ID)).toBeNull();
    });
  });

  describe('never guesses an unknown SKU', () => {
    it('answers null for its plans and part number', () => {
      expect(tenantCatalog.skuContainsPlan(UNKNOWN_SKU_ID, MCOEV_PLAN_ID)).toBeNull();
      expect(tenantCatalog.skuPartNumber(UNKNOWN_SKU_ID)).toBeNull();
      expect(tenantCatalog.servicePlansOf(UNKNOWN_SKU_ID)).toBeNull();
    });

    it('grants nothing through it and reports it as unknown', () => {
      const licenses = [lic.unknown(), lic.ra()];
      expect(tenantCatalog.hasEnabledPlan(licenses, MCOEV_PLAN_ID)).toBe(false);
      expect(tenantCatalog.planGrants(licenses).map((g) => g.skuId)).toEqual([RA_SKU_ID]);
      expect(tenantCatalog.unknownSkus(licenses)).toEqual([UNKNOWN_SKU_ID]);
    });
  });

  describe('grants only enabled plans', () => {
    it('reads the sample E5 user: YAMMER is in disabledPlans, MCOEV is on', () => {
      const adele = sampleUser('user-with-licenses-e5.json');
      const planIds = tenantCatalog.planGrants(adele.assignedLicenses).map((g) => g.servicePlanId);
      expect(planIds).toContain(MCOEV_PLAN_ID);
      expect(planIds).not.toContain(YAMMER_PLAN_ID);
      expect(tenantCatalog.hasEnabledPlan(adele.assignedLicenses, MCOEV_PLAN_ID)).toBe(true);
    });

    it('treats MCOEV in E5’s disabledPlans as off', () => {
      const licenses = [lic.e5([MCOEV_PLAN_ID])];
      expect(tenantCatalog.hasEnabledPlan(licenses, MCOEV_PLAN_ID)).toBe(false);
      expect(tenantCatalog.grantsOf(licenses, MCOEV_PLAN_ID)).toEqual([]);
    });

    it('names every SKU that brings MCOEV', () => {
      const grants = tenantCatalog.grantsOf([lic.e5(), lic.sharedDevices()], MCOEV_PLAN_ID);
      expect(grants.map((g) => g.skuPartNumber)).toEqual(['ENTERPRISEPREMIUM', 'MCOCAP']);
    });

    it('reads the sample resource account: MCOEV_VIRTUALUSER on, MCOEV off', () => {
      const ra = sampleUser('user-with-licenses.json');
      expect(tenantCatalog.hasEnabledPlan(ra.assignedLicenses, MCOEV_VIRTUALUSER_PLAN_ID)).toBe(true);
      expect(tenantCatalog.hasEnabledPlan(ra.assignedLicenses, MCOEV_PLAN_ID)).toBe(false);
    });
  });

  describe('attributes a grant to the group that assigned it', () => {
    const groupState = (state: string, disabledPlans: string[] = []) => ({
      skuId: TEAMS_PHONE_STANDARD_SKU_ID,
      disabledPlans,
      assignedByGroup: LICENSING_GROUP_ID,
      state,
      error: null,
    });

    it('carries assignedByGroup from the matching assignment state', () => {
      const [grant, ...rest] = tenantCatalog.grantsOf([lic.standard()], MCOEV_PLAN_ID, [
        groupState('Active'),
      ]);
      expect(rest).toEqual([]);
      expect(grant).toMatchObject({ skuPartNumber: 'MCOEV', assignedByGroup: LICENSING_GROUP_ID });
    });

    it('lists both paths when the SKU is assigned directly and through a group', () => {
      const direct = { ...groupState('Active'), assignedByGroup: null };
      const grants = tenantCatalog.grantsOf([lic.standard()], MCOEV_PLAN_ID, [direct, groupState('Active')]);
      expect(grants.map((g) => g.assignedByGroup)).toEqual([null, LICENSING_GROUP_ID]);
    });

    it('ignores a failed group assignment (state Error) and reports the grant as direct', () => {
      const grants = tenantCatalog.grantsOf([lic.standard()], MCOEV_PLAN_ID, [groupState('Error')]);
      expect(grants.map((g) => g.assignedByGroup)).toEqual([null]);
    });

    it('does not credit a group whose assignment disables the plan', () => {
      const direct = { ...groupState('Active'), assignedByGroup: null };
      const grants = tenantCatalog.grantsOf([lic.standard()], MCOEV_PLAN_ID, [
        direct,
        groupState('Active', [MCOEV_PLAN_ID]),
      ]);
      expect(grants.map((g) => g.assignedByGroup)).toEqual([null]);
    });

    it('grants nothing for the sample user’s failed group license (absent from assignedLicenses)', () => {
      const adele = sampleUser('user-with-licenses-e5.json');
      const grants = tenantCatalog.grantsOf(
        adele.assignedLicenses,
        MCOEV_PLAN_ID,
        adele.licenseAssignmentStates,
      );
      expect(grants.map((g) => [g.skuPartNumber, g.assignedByGroup])).toEqual([['ENTERPRISEPREMIUM', null]]);
    });
  });

  describe('treats government plans as their commercial equivalents, by plan name', () => {
    // GUIDs made up for the test: the checked source gives the GOV GUIDs only truncated, so matching is by name.
    const govSkus: SubscribedSku[] = [
      {
        skuId: '2cf22bcb-0000-4000-8000-000000000001',
        skuPartNumber: 'PHONESYSTEM_VIRTUALUSER_GOV',
        capabilityStatus: 'Enabled',
        enabledUnits: 25,
        consumedUnits: 1,
        servicePlans: [
          { servicePlanId: '0628a73f-0000-4000-8000-000000000002', servicePlanName: 'MCOEV_VIRTUALUSER_GOV' },
        ],
      },
      {
        skuId: 'a460366a-0000-4000-8000-000000000003',
        skuPartNumber: 'MCOEV_GOV',
        capabilityStatus: 'Enabled',
        enabledUnits: 10,
        consumedUnits: 1,
        servicePlans: [
          { servicePlanId: 'db23fce2-0000-4000-8000-000000000004', servicePlanName: 'MCOEV_GOV' },
        ],
      },
    ];
    const gov = createLicenseCatalog(govSkus);

    it.each([
      [
        'MCOEV_VIRTUALUSER_GOV counts as MCOEV_VIRTUALUSER',
        govSkus[0]!.skuId,
        MCOEV_VIRTUALUSER_PLAN_ID,
        true,
      ],
      ['MCOEV_GOV counts as MCOEV', govSkus[1]!.skuId, MCOEV_PLAN_ID, true],
      ['MCOEV_GOV is not the RA plan', govSkus[1]!.skuId, MCOEV_VIRTUALUSER_PLAN_ID, false],
    ])('%s', (_label, skuId, planId, expected) => {
      expect(gov.skuContainsPlan(skuId, planId)).toBe(expected);
      expect(gov.hasEnabledPlan([{ skuId, disabledPlans: [] }], planId)).toBe(expected);
    });
  });
});
