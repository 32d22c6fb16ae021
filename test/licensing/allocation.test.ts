import { allocationFromCounts, allocationFromSkus, freeAllocationFor } from '../../src/licensing/allocation';
import {
  MCOEV_GOV_PLAN_ID,
  MCOEV_PLAN_ID,
  MCOEV_VIRTUALUSER_GOV_PLAN_ID,
  MCOEV_VIRTUALUSER_PLAN_ID,
  MCOEVSMB_PLAN_ID,
  RA_GOV_SKU_ID,
  RA_SKU_ID,
  TEAMS_PHONE_STANDARD_GOV_SKU_ID,
  TEAMS_PHONE_STANDARD_SMB_SKU_ID,
} from '../../src/licensing/catalog-data';
import { createLicenseCatalog } from '../../src/licensing/license-catalog';
import type { SubscribedSku } from '../../src/glossary';
import { contosoSkus, sampleSubscribedSkus } from '../fixtures/licensing';

describe('the free resource-account allocation', () => {
  describe('is 25 + floor(n / 10), and 0 without any qualifying license', () => {
    it.each([
      [0, 0],
      [1, 25],
      [9, 25],
      [10, 26],
      [599, 84],
      [600, 85],
    ])('%i qualifying -> %i free', (qualifying, free) => {
      expect(freeAllocationFor(qualifying)).toBe(free);
      expect(
        allocationFromCounts({ qualifyingLicenses: qualifying, resourceAccounts: 0 }).freeAllocation,
      ).toBe(free);
    });
  });

  describe('Contoso (500 + 100 qualifying, 90 resource accounts)', () => {
    const contoso = allocationFromCounts({ qualifyingLicenses: 600, resourceAccounts: 90 });

    it('gets 85 free and must buy 5', () => {
      expect(contoso).toMatchObject({ qualifyingLicenses: 600, freeAllocation: 85, needed: 90, toBuy: 5 });
    });

    it('states the formula', () => {
      expect(contoso.basisText).toContain('25 + floor(600 / 10) = 85 free');
    });

    it('leaves unclaimed unknown when purchases are not given', () => {
      expect(contoso.purchasedRaLicenses).toBeNull();
      expect(contoso.unclaimed).toBeNull();
    });
  });

  describe('counts free seats still to claim at $0', () => {
    it.each([
      // qualifying, needed, purchased, unclaimed, toBuy
      [600, 90, 85, 0, 5],
      [600, 90, 60, 25, 5],
      [600, 40, 25, 15, 0], // needs fewer than the allocation: only what is needed must be claimed
      [600, 40, 50, 0, 0], // bought more than needed
      [0, 3, 0, 0, 3], // no allocation at all: nothing to claim, everything costs
    ])(
      '%i qualifying, %i needed, %i purchased -> %i unclaimed, %i to buy',
      (q, needed, purchased, unclaimed, toBuy) => {
        const a = allocationFromCounts({
          qualifyingLicenses: q,
          resourceAccounts: needed,
          raLicensesPurchased: purchased,
        });
        expect(a.unclaimed).toBe(unclaimed);
        expect(a.toBuy).toBe(toBuy);
        expect(a.purchasedRaLicenses).toBe(purchased);
      },
    );
  });

  it('explains a zero allocation instead of showing the base 25', () => {
    const a = allocationFromCounts({ qualifyingLicenses: 0, resourceAccounts: 2 });
    expect(a.freeAllocation).toBe(0);
    expect(a.basisText).toMatch(/^0 free/);
  });

  it.each([
    ['qualifyingLicenses', { qualifyingLicenses: -1, resourceAccounts: 1 }],
    ['resourceAccounts', { qualifyingLicenses: 1, resourceAccounts: 1.5 }],
    ['raLicensesPurchased', { qualifyingLicenses: 1, resourceAccounts: 1, raLicensesPurchased: Number.NaN }],
  ])('rejects a bad %s with a message naming it', (field, counts) => {
    expect(() => allocationFromCounts(counts)).toThrow(new RegExp(`^${field} must be a whole number`));
  });

  describe('from the tenant’s subscribedSkus', () => {
    it('counts the Contoso-shaped tenant (500 E5 + 100 MCOCAP) and states the basis', () => {
      const a = allocationFromSkus(contosoSkus(85), 90);
      expect(a).toMatchObject({
        qualifyingLicenses: 600,
        freeAllocation: 85,
        needed: 90,
        purchasedRaLicenses: 85,
        toBuy: 5,
        unclaimed: 0,
      });
      expect(a.basis).toEqual([
        { skuId: expect.any(String), skuPartNumber: 'ENTERPRISEPREMIUM', enabledUnits: 500 },
        { skuId: expect.any(String), skuPartNumber: 'MCOCAP', enabledUnits: 100 },
      ]);
      expect(a.basisText).toBe(
        '25 + floor(600 / 10) = 85 free: counted 500 seats of ENTERPRISEPREMIUM, 100 of MCOCAP ' +
          '(enabled seats of every SKU whose service plans include MCOEV; the resource-account SKU itself is not counted).',
      );
    });

    it('counts the sample tenant: MCOEV 50 + MCOCAP 10 + E5 200 = 260 qualifying, 25 RA seats bought', () => {
      const a = allocationFromSkus(sampleSubscribedSkus(), 30);
      expect(a.basis.map((l) => [l.skuPartNumber, l.enabledUnits])).toEqual([
        ['MCOEV', 50],
        ['MCOCAP', 10],
        ['ENTERPRISEPREMIUM', 200],
      ]);
      expect(a).toMatchObject({
        qualifyingLicenses: 260,
        freeAllocation: 51,
        purchasedRaLicenses: 25,
        unclaimed: 5,
        toBuy: 0,
      });
    });

    it('never counts the RA SKU as qualifying', () => {
      const a = allocationFromSkus(contosoSkus(85), 0);
      expect(a.basis.map((l) => l.skuId)).not.toContain(RA_SKU_ID);
      expect(a.qualifyingLicenses).toBe(600);
    });

    it('does not count a SKU without the MCOEV plan', () => {
      const withoutPhone: SubscribedSku = {
        skuId: '6fd2c87f-b296-42f0-b197-1e91e994b900',
        skuPartNumber: 'ENTERPRISEPACK',
        capabilityStatus: 'Enabled',
        enabledUnits: 1000,
        consumedUnits: 900,
        servicePlans: [{ servicePlanId: '57ff2da0-773e-42df-b2af-ffb7a2317929', servicePlanName: 'TEAMS1' }],
      };
      const a = allocationFromSkus([withoutPhone], 4);
      expect(a).toMatchObject({ qualifyingLicenses: 0, freeAllocation: 0, toBuy: 4, purchasedRaLicenses: 0 });
      expect(a.basisText).toContain('no subscribed SKU includes the Teams Phone (MCOEV) service plan');
    });

    it('treats a tenant without the RA SKU as having bought 0, so every needed free seat is unclaimed', () => {
      const a = allocationFromSkus(
        contosoSkus(0).filter((s) => s.skuId !== RA_SKU_ID),
        90,
      );
      expect(a.purchasedRaLicenses).toBe(0);
      expect(a.unclaimed).toBe(85);
    });
  });
});

describe('issue 17 item 7: Teams Phone Standard for SMB, GOV SKUs, Teams Rooms', () => {
  const sku = (
    skuId: string,
    skuPartNumber: string,
    enabledUnits: number,
    planName: string,
    planId: string,
  ) => ({
    skuId,
    skuPartNumber,
    capabilityStatus: 'Enabled',
    enabledUnits,
    consumedUnits: 0,
    servicePlans: [{ servicePlanId: planId, servicePlanName: planName }],
  });

  it('MCOEVSMB_1 and MCOEV_GOV qualify; PHONESYSTEM_VIRTUALUSER_GOV counts as bought RA licenses', () => {
    const allocation = allocationFromSkus(
      [
        sku(TEAMS_PHONE_STANDARD_SMB_SKU_ID, 'MCOEVSMB_1', 30, 'MCOEVSMB', MCOEVSMB_PLAN_ID),
        sku(TEAMS_PHONE_STANDARD_GOV_SKU_ID, 'MCOEV_GOV', 20, 'MCOEV_GOV', MCOEV_GOV_PLAN_ID),
        sku(
          RA_GOV_SKU_ID,
          'PHONESYSTEM_VIRTUALUSER_GOV',
          7,
          'MCOEV_VIRTUALUSER_GOV',
          MCOEV_VIRTUALUSER_GOV_PLAN_ID,
        ),
      ],
      3,
    );
    expect(allocation).toMatchObject({ qualifyingLicenses: 50, freeAllocation: 30, purchasedRaLicenses: 7 });
  });

  it('the catalog knows MCOEVSMB_1 as Teams Phone Standard even when the tenant no longer lists it', () => {
    const catalog = createLicenseCatalog([]);
    expect(catalog.skuContainsPlan(TEAMS_PHONE_STANDARD_SMB_SKU_ID, MCOEV_PLAN_ID)).toBe(true);
    expect(
      catalog.hasEnabledPlan([{ skuId: TEAMS_PHONE_STANDARD_SMB_SKU_ID, disabledPlans: [] }], MCOEV_PLAN_ID),
    ).toBe(true);
    expect(catalog.skuContainsPlan(RA_GOV_SKU_ID, MCOEV_VIRTUALUSER_PLAN_ID)).toBe(true);
  });

  it('Teams Rooms SKUs (they carry MCOEV) are left out by default, and the basis says so; counted when asked', () => {
    const skus = [
      sku(TEAMS_PHONE_STANDARD_SMB_SKU_ID, 'MCOEVSMB_1', 10, 'MCOEVSMB', MCOEVSMB_PLAN_ID),
      sku('4cde982a-ede4-4409-9ae6-b003453c8ea6', 'Microsoft_Teams_Rooms_Pro', 40, 'MCOEV', MCOEV_PLAN_ID),
    ];
    const byDefault = allocationFromSkus(skus, 0);
    expect(byDefault.qualifyingLicenses).toBe(10);
    expect(byDefault.basisText).toMatch(/Teams Rooms left out \(Microsoft_Teams_Rooms_Pro\)/);
    const counted = allocationFromSkus(skus, 0, { countTeamsRooms: true });
    expect(counted.qualifyingLicenses).toBe(50);
    expect(counted.basisText).toMatch(/ALLOCATION_COUNT_TEAMS_ROOMS=true/);
  });
});
