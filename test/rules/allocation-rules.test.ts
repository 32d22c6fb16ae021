import { allocationFromCounts, allocationFromSkus } from '../../src/licensing/allocation';
import { findAllocationExceeded } from '../../src/rules/allocation-exceeded';
import { findAllocationUnclaimed } from '../../src/rules/allocation-unclaimed';
import { TENANT_ID, contosoSkus } from '../fixtures/licensing';

const counts = (qualifyingLicenses: number, resourceAccounts: number, raLicensesPurchased?: number) =>
  allocationFromCounts({
    qualifyingLicenses,
    resourceAccounts,
    ...(raLicensesPurchased === undefined ? {} : { raLicensesPurchased }),
  });

describe('ra.allocation-exceeded: resource accounts needed beyond the free allocation cost money', () => {
  it.each([
    ['Contoso: 90 needed, 85 free -> buy 5', counts(600, 90), 5],
    ['exactly the allocation (85 needed, 85 free) -> clean', counts(600, 85), null],
    ['below the allocation -> clean', counts(600, 10), null],
    ['no qualifying license: 3 needed, 0 free -> buy 3', counts(0, 3), 3],
    ['9 qualifying: 26 needed, 25 free -> buy 1', counts(9, 26), 1],
  ])('%s', (_label, allocation, toBuy) => {
    const findings = findAllocationExceeded({ tenantId: TENANT_ID, allocation });
    expect(findings.map((f) => f.evidence['toBuy'])).toEqual(toBuy === null ? [] : [toBuy]);
  });

  it('is info about the tenant, says how many to buy and carries the counting basis', () => {
    const allocation = allocationFromSkus(contosoSkus(85), 90);
    const [finding] = findAllocationExceeded({ tenantId: TENANT_ID, allocation });
    expect(finding?.severity).toBe('info');
    expect(finding?.subject).toEqual({ kind: 'tenant', tenantId: TENANT_ID });
    expect(finding?.title).toBe(
      '90 resource accounts need a license: 5 beyond the free allocation of 85 must be bought',
    );
    expect(finding?.evidence).toMatchObject({
      qualifyingLicenses: 600,
      freeAllocation: 85,
      needed: 90,
      toBuy: 5,
      basisText: allocation.basisText,
    });
    expect(finding?.evidence['basisText']).toContain('500 seats of ENTERPRISEPREMIUM, 100 of MCOCAP');
    expect(finding?.remediation[0]).toContain('Buy 5 Teams Phone Resource Account license(s)');
  });

  it('keeps one key per tenant while the count moves, so the open alert is updated rather than resolved and reopened', () => {
    const exceeded = (needed: number) =>
      findAllocationExceeded({ tenantId: TENANT_ID, allocation: counts(600, needed) })[0];
    expect(exceeded(91)?.dedupeKey).toBe(exceeded(86)?.dedupeKey);
    expect(exceeded(91)?.dedupeKey).toBe(`ra.allocation-exceeded:${TENANT_ID}`);
    // The news is in the finding itself: the title and remediation carry the current number to buy.
    expect(exceeded(91)?.title).toContain('6 beyond the free allocation');
    expect(exceeded(86)?.title).toContain('1 beyond the free allocation');
  });
});

describe('ra.allocation-unclaimed: free seats must be bought at $0', () => {
  it.each([
    ['85 needed within 85 free, 60 bought -> 25 to claim', counts(600, 85, 60), 25],
    ['90 needed, 85 free, 85 bought -> clean', counts(600, 90, 85), null],
    ['40 needed, 85 free, 25 bought -> 15 (only what is needed)', counts(600, 40, 25), 15],
    ['purchases unknown -> no claim made', counts(600, 90), null],
    ['no free allocation -> nothing to claim', counts(0, 5, 0), null],
  ])('%s', (_label, allocation, unclaimed) => {
    const findings = findAllocationUnclaimed({ tenantId: TENANT_ID, allocation });
    expect(findings.map((f) => f.evidence['unclaimed'])).toEqual(unclaimed === null ? [] : [unclaimed]);
  });

  it('is a warning that says how many to buy at $0 and that they are not added automatically', () => {
    const [finding] = findAllocationUnclaimed({
      tenantId: TENANT_ID,
      allocation: allocationFromSkus(contosoSkus(60), 90),
    });
    expect(finding?.severity).toBe('warning');
    expect(finding?.title).toBe(
      '25 free Teams Phone Resource Account license(s) not yet claimed (60 bought, 85 free ones needed)',
    );
    expect(finding?.remediation[0]).toMatch(/Buy 25 more .* at \$0.*not added automatically/);
    expect(finding?.dedupeKey).toBe(`ra.allocation-unclaimed:${TENANT_ID}`);
  });
});
