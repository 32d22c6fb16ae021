/**
 * `getLicenseActivitiesBatch` against the simulator over HTTP: the queries of one tenant go out 20 to a `$batch`,
 * each slot holds its own account's activities, and an item that fails (a bad window, a throttled item) fails or
 * retries alone.
 */
import { PermanentError } from '../../../src/errors';
import { createGraphReader } from '../../../src/graph/client/graph-reader-client';
import type { GraphReader } from '../../../src/graph/graph-reader';
import { startGraphSimulator, type GraphSimulator } from '../../../src/graph/simulator';
import { RA_SKU_ID, TEAMS_PHONE_STANDARD_SKU_ID } from '../../../src/licensing/catalog-data';
import { silentLogger } from '../../../src/logger';
import { ADELE_ID, RA_ID, TENANT_A, smallTenant } from '../simulator/small-tenant';

let sim: GraphSimulator;
let graph: GraphReader;
beforeEach(async () => {
  sim = await startGraphSimulator({ auditLagMs: 0, seeds: [smallTenant()] });
  graph = createGraphReader({
    baseUrl: sim.url,
    tokenProvider: (id) => Promise.resolve(sim.tokenFor(id)),
    logger: silentLogger(),
    retry: { maxRetries: 3, baseDelayMs: 10, maxDelayMs: 5_000 },
  });
});
afterEach(async () => {
  await sim.stop();
});

const window = () => ({
  from: new Date(Date.now() - 3_600_000).toISOString(),
  to: new Date(Date.now() + 60_000).toISOString(),
});

it('sends 25 queries as two $batch requests, each answer in its own slot', async () => {
  const removal = sim.assignLicense(TENANT_A, RA_ID, { removeLicenses: [TEAMS_PHONE_STANDARD_SKU_ID] });
  const addition = sim.assignLicense(TENANT_A, RA_ID, { addLicenses: [{ skuId: RA_SKU_ID }] });
  const queries = Array.from({ length: 25 }, (_v, i) => ({
    userId: i % 2 === 0 ? RA_ID : ADELE_ID,
    ...window(),
  }));
  const before = sim.requests().length;

  const results = await graph.getLicenseActivitiesBatch?.(TENANT_A, queries);

  expect(results).toHaveLength(25);
  results?.forEach((slot, i) => {
    if (slot instanceof Error) throw slot;
    expect(slot.map((a) => a.activityId).sort()).toEqual(i % 2 === 0 ? [removal, addition].sort() : []);
  });
  const sent = sim.requests().slice(before);
  expect(sent.filter((r) => !r.viaBatch).map((r) => `${r.method} ${r.path}`)).toEqual([
    'POST /v1.0/$batch',
    'POST /v1.0/$batch',
  ]);
  expect(sent.filter((r) => r.viaBatch && r.path.includes('/auditLogs/directoryAudits'))).toHaveLength(25);
});

it('a query Graph could not take fails alone; a throttled item is read again alone', async () => {
  const removal = sim.assignLicense(TENANT_A, RA_ID, { removeLicenses: [TEAMS_PHONE_STANDARD_SKU_ID] });
  sim.faults.throttleNext('/auditLogs/directoryAudits', 1, 1);
  const results = await graph.getLicenseActivitiesBatch?.(TENANT_A, [
    { userId: RA_ID, ...window() },
    { userId: ADELE_ID, from: 'yesterday', to: window().to },
    { userId: RA_ID, ...window() },
  ]);
  const [first, bad, third] = results ?? [];
  expect(bad).toBeInstanceOf(PermanentError);
  for (const slot of [first, third]) {
    if (!Array.isArray(slot)) throw new Error(`expected activities, got ${String(slot)}`);
    expect(slot.map((a) => a.activityId)).toEqual([removal]);
  }
  // One of the two good items was throttled inside the batch and read on its own afterwards.
  const alone = sim.requests().filter((r) => !r.viaBatch && r.path.includes('/auditLogs/directoryAudits'));
  expect(alone).toHaveLength(1);
});
