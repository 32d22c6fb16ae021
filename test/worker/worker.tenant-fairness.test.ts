/**
 * Fairness across tenants in the running worker (issue 19 item 6): tenant A's Graph reads, held open (a slow or
 * throttled tenant), take at most half of the worker's Graph slots, so tenant B's change is read and handled
 * while A's wait. The real store and embedded queue, the in-memory Graph with A's user reads held until the test
 * lets them go; assertions on what happened, not on how long it took.
 */
import { randomUUID } from 'node:crypto';
import type { GraphReader } from '../../src/graph/graph-reader';
import { orderingKeyFor } from '../../src/queue/work-item';
import { TENANT, createBench, tenantSkus, type Bench } from './worker-harness';

const TENANT_B = '0b6f2d41-93a7-4e5c-b8d2-6a1e7f3c9d05';

/** Waits until `done()` holds, polling; the deadline only turns a hang into a failure. */
async function waitFor(done: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('worker: Graph slots shared between tenants', () => {
  let bench: Bench;
  afterEach(async () => {
    await bench.close();
  });

  it("handles tenant B's change while tenant A's reads hold their half of the Graph slots", async () => {
    let releaseA!: () => void;
    const aHeld = new Promise<void>((resolve) => (releaseA = resolve));
    const aReadsStarted: string[][] = [];
    const holdTenantA = (reader: GraphReader): GraphReader => ({
      ...reader,
      getUsers: async (tenantId, userIds) => {
        if (tenantId === TENANT) {
          aReadsStarted.push([...userIds]);
          await aHeld;
        }
        return reader.getUsers(tenantId, userIds);
      },
    });
    // Three loops of one message each, two Graph slots: A may hold one.
    bench = await createBench('sqlite', {
      worker: { concurrency: 3, batchSize: 1, gatherMs: 0, graphConcurrency: 2 },
      wrapGraph: holdTenantA,
    });
    const a1 = bench.addUser([]);
    const a2 = bench.addUser([]);
    const b1 = randomUUID();
    bench.graph.setSkus(TENANT_B, tenantSkus());
    bench.graph.setUser({ tenantId: TENANT_B, userId: b1, displayName: 'B user', accountEnabled: true });
    await bench.notify(a1, a2);
    await bench.queue.send([
      {
        messageId: randomUUID(),
        orderingKey: orderingKeyFor(TENANT_B, b1),
        coalesce: true,
        body: {
          kind: 'user-changed',
          tenantId: TENANT_B,
          userId: b1,
          changeType: 'updated',
          subscriptionId: 'sub-b',
          receivedAt: new Date().toISOString(),
          source: 'notification',
        },
      },
    ]);

    bench.worker.start();
    await waitFor(
      async () => (await bench.store.snapshots.list(TENANT_B, { limit: 10 })).length === 1,
      "B's change to be handled",
    );
    // B was read and handled while A's first read still waited, and A's second never got a slot meanwhile.
    expect(aReadsStarted).toHaveLength(1);
    expect(await bench.store.snapshots.list(TENANT, { limit: 10 })).toHaveLength(0);

    releaseA();
    await waitFor(
      async () => (await bench.store.snapshots.list(TENANT, { limit: 10 })).length === 2,
      "A's changes to be handled",
    );
    expect(aReadsStarted.flat().sort()).toEqual([a1, a2].sort());
  });
});
