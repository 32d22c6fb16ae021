import { ENGINES } from '../support/databases';
import { TENANT, createBench, licenses, tenantSkus, type Bench } from './worker-harness';

const evaluations = (bench: Bench) => bench.logs.filter((line) => line.msg === 'tenant allocation evaluated');

describe.each(ENGINES)('worker on %s: the tenant allocation', (engine) => {
  let bench: Bench;
  afterEach(async () => {
    await bench.close();
  });

  it('is evaluated once for a burst of resource-account changes, and raises allocation-exceeded', async () => {
    bench = await createBench(engine);
    // 100 E5 seats: 25 + floor(100 / 10) = 35 free; 40 resource accounts need 5 more.
    bench.graph.setSkus(TENANT, tenantSkus({ e5Seats: 100, raSeats: 40 }));
    const accounts = Array.from({ length: 40 }, (_, i) =>
      bench.addResourceAccount([licenses.ra()], `Queue ${i}`),
    );
    await bench.notify(...accounts);
    expect(await bench.worker.runOnce()).toBe(40);

    expect(evaluations(bench)).toHaveLength(1);
    const tenantAlerts = (await bench.store.alerts.list({ tenantId: TENANT, state: 'open' })).filter(
      (a) => a.userId === null,
    );
    expect(tenantAlerts.map((a) => a.ruleId)).toEqual(['ra.allocation-exceeded']);
    expect(evaluations(bench)[0]).toMatchObject({ needed: 40, freeAllocation: 35, toBuy: 5 });
  });

  it('is not evaluated when no change touched a resource account or the Teams Phone licenses', async () => {
    bench = await createBench(engine);
    const users = Array.from({ length: 5 }, () => bench.addUser([]));
    await bench.notify(...users);
    await bench.worker.runOnce();
    expect(evaluations(bench)).toHaveLength(0);
  });

  it('runs in the background loop, coalescing the burst, and stop() drains it', async () => {
    bench = await createBench(engine, { worker: { concurrency: 2, tenantDebounceMs: 60_000 } });
    bench.graph.setSkus(TENANT, tenantSkus({ e5Seats: 0, raSeats: 0 }));
    const accounts = Array.from({ length: 30 }, () => bench.addResourceAccount([]));
    await bench.notify(...accounts);
    bench.worker.start();
    bench.worker.start(); // idempotent

    const deadline = Date.now() + 10_000;
    while ((await bench.store.snapshots.list(TENANT, { limit: 100 })).length < 30) {
      if (Date.now() > deadline) throw new Error('the background worker did not process the burst');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const stopping = bench.worker.stop();
    expect(bench.worker.stop()).toBe(stopping);
    await stopping;

    // The debounce window outlasts the test: only stop()'s drain evaluated the tenant, once.
    expect(evaluations(bench)).toHaveLength(1);
    const open = await bench.store.alerts.list({ tenantId: TENANT, state: 'open' });
    expect(open.filter((a) => a.ruleId === 'ra.unlicensed')).toHaveLength(30);
    expect(open.filter((a) => a.userId === null).map((a) => a.ruleId)).toEqual(['ra.allocation-exceeded']);
  });

  it('is evaluated by the debounce timer while the loop runs, without waiting for stop()', async () => {
    bench = await createBench(engine, { worker: { tenantDebounceMs: 50 } });
    const accounts = Array.from({ length: 5 }, () => bench.addResourceAccount([licenses.ra()]));
    await bench.notify(...accounts);
    bench.worker.start();
    const deadline = Date.now() + 10_000;
    const processed = async () => (await bench.store.snapshots.list(TENANT, { limit: 10 })).length === 5;
    while (evaluations(bench).length === 0 || !(await processed())) {
      if (Date.now() > deadline) throw new Error('the debounced tenant evaluation never ran');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await bench.worker.stop();
    expect(evaluations(bench).at(-1)).toMatchObject({ needed: 5 });
  });
});
