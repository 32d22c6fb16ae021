/**
 * Issue 17 item 9: where Graph's cloud offers no directory audits (21Vianet), the swap follow-up does not read the
 * audit log at all: it decides from the snapshots at once and the alert says why. Both store engines.
 */
import { ENGINES } from '../support/databases';
import { TENANT, createBench, licenses, type Bench } from './worker-harness';

describe.each(ENGINES)('worker on %s in a cloud without directory audits', (engine) => {
  let bench: Bench;
  beforeEach(async () => {
    bench = await createBench(engine, { worker: { auditLogAvailable: false } });
  });
  afterEach(async () => {
    await bench.close();
  });

  it('a remove-first swap is decided from the snapshots, no audit read, and the alert says the cloud has none', async () => {
    const queueId = bench.addResourceAccount([licenses.standard()], 'Support Queue');
    await bench.notify(queueId);
    await bench.worker.runOnce();
    bench.setLicenses(queueId, []);
    await bench.notify(queueId);
    await bench.worker.runOnce();

    expect(bench.graph.calls.getLicenseActivities).toHaveLength(0);
    const swaps = (await bench.store.alerts.list({ tenantId: TENANT, userId: queueId })).filter(
      (a) => a.ruleId === 'ra.non-atomic-swap',
    );
    expect(swaps).toHaveLength(1);
    expect(swaps[0]?.finding.evidence).toMatchObject({
      proof: 'snapshots',
      auditLog: { available: false, note: expect.stringMatching(/no directory audit log/) },
    });
  });
});
