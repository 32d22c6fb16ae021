import { graphUserSchema, subscribedSkusResponseSchema } from '../../../src/graph/wire-schemas';
import { runSimulatorStandalone, SCENARIOS, startGraphSimulator } from '../../../src/graph/simulator';
import { silentLogger } from '../../../src/logger';
import { RA_ID, smallTenant, TENANT_A } from './small-tenant';

describe('Graph simulator: standalone (simulate-graph) and options', () => {
  it('serves the chosen scenarios and prints the URL and one token per tenant', async () => {
    const lines: string[] = [];
    const sim = await runSimulatorStandalone({
      port: 0,
      scenarioIds: ['atomic-swap', '7'],
      logger: silentLogger(),
      print: (l) => lines.push(l),
    });
    try {
      expect(
        sim
          .tenants()
          .map((t) => t.accountName)
          .sort(),
      ).toEqual(['atomicswap', 'contoso']);
      expect(lines[0]).toContain(sim.url);
      const contoso = SCENARIOS.find((s) => s.id === 'contoso-allocation');
      const tenantId = contoso?.seed.tenantId ?? '';
      expect(lines.some((l) => l.includes(`token ${sim.tokenFor(tenantId)}`))).toBe(true);
      const answer = await fetch(`${sim.url}/v1.0/subscribedSkus`, {
        headers: { Authorization: `Bearer ${sim.tokenFor(tenantId)}` },
      });
      const skus = subscribedSkusResponseSchema.parse(await answer.json()).value;
      expect(skus.map((s) => [s.skuPartNumber, s.prepaidUnits.enabled]).sort()).toEqual([
        ['ENTERPRISEPREMIUM', 500],
        ['MCOCAP', 100],
        ['PHONESYSTEM_VIRTUALUSER', 85],
      ]);
      expect(skus.find((s) => s.skuPartNumber === 'PHONESYSTEM_VIRTUALUSER')?.consumedUnits).toBe(85);
    } finally {
      await sim.stop();
    }
  });

  it('seeds all ten scenarios when none is named, and refuses an unknown one by name', async () => {
    const sim = await runSimulatorStandalone({ port: 0, logger: silentLogger(), print: () => undefined });
    try {
      expect(sim.tenants()).toHaveLength(10);
    } finally {
      await sim.stop();
    }
    await expect(
      runSimulatorStandalone({
        port: 0,
        scenarioIds: ['no-such'],
        logger: silentLogger(),
        print: () => undefined,
      }),
    ).rejects.toThrow(/Unknown scenario 'no-such'/);
  });

  it("can answer every request after a fixed latency (the benchmark's 50 ms), still correctly", async () => {
    const sim = await startGraphSimulator({ responseLatencyMs: 30, seeds: [smallTenant()] });
    try {
      const answer = await fetch(`${sim.url}/v1.0/users/${RA_ID}?$select=id,assignedLicenses`, {
        headers: { Authorization: `Bearer ${sim.tokenFor(TENANT_A)}` },
      });
      expect(graphUserSchema.parse(await answer.json()).id).toBe(RA_ID);
    } finally {
      await sim.stop();
    }
  });

  it('refuses a seed that is not a tenant seed, naming the field', async () => {
    const sim = await startGraphSimulator();
    try {
      expect(() => sim.seed({ ...smallTenant(), tenantId: 'not-a-guid' })).toThrow(/tenantId/);
      const seed = smallTenant();
      expect(() => sim.seed({ ...seed, skus: seed.skus.filter((s) => s.skuPartNumber !== 'MCOEV') })).toThrow(
        /is not among the tenant's skus/,
      );
      expect(() =>
        sim.seed({
          ...seed,
          groups: [
            {
              id: 'c81d4e2f-3a5b-4f6c-9d7e-000000000000',
              displayName: 'G',
              memberIds: ['47e1b2c9-6d0a-4f35-8e21-b9c4a7d3f018'],
            },
          ],
        }),
      ).toThrow(/no user/);
      expect(() => sim.assignLicense(TENANT_A, RA_ID, {})).toThrow(/no tenant/);
    } finally {
      await sim.stop();
    }
  });
});
