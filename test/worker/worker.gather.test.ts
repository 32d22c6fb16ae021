/**
 * During a burst the worker tops a short lease up before reading Graph, so a `$batch` call carries many users
 * (issue 5: ≤ 0.1 Graph requests per user under a burst); a lone change after a quiet spell is not held back.
 * The running worker (`start()`) over the real embedded queue; changes arrive one at a time, as ingest enqueues them.
 */
import { randomUUID } from 'node:crypto';
import type { UserId } from '../../src/glossary';
import type { GraphReader } from '../../src/graph/graph-reader';
import { orderingKeyFor } from '../../src/queue/work-item';
import { ENGINES } from '../support/databases';
import { TENANT, createBench, tenantSkus, type Bench } from './worker-harness';

const TENANT_B = '0b6f2d41-93a7-4e5c-b8d2-6a1e7f3c9d05';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe.each(ENGINES)('worker on %s: gathering a burst into full $batch reads', (engine) => {
  let bench: Bench | null = null;
  afterEach(async () => {
    await bench?.worker.stop();
    await bench?.close();
    bench = null;
  });

  async function streamOfChanges(gatherMs: number, count: number): Promise<UserId[][]> {
    bench = await createBench(engine, { worker: { concurrency: 1, gatherMs, pollMs: 10 } });
    const b = bench;
    const ids = Array.from({ length: count }, () => b.addResourceAccount([]));
    b.worker.start();
    // One change every 10 ms, each its own enqueue, the way notifications trickle in during a burst.
    for (const id of ids) {
      await b.notify(id);
      await sleep(10);
    }
    const alerted = async () =>
      (await b.store.alerts.list({ tenantId: TENANT, limit: 1_000 })).length === count;
    await until(`${count} alerts`, alerted);
    return b.graph.calls.getUsers;
  }

  it('tops a short lease up during a burst: 40 trickling changes take a handful of Graph reads, each user read once', async () => {
    const reads = await streamOfChanges(1_000, 40);
    expect(reads.flat().sort()).toEqual([...new Set(reads.flat())].sort());
    expect(reads.flat()).toHaveLength(40);
    // The first change after the quiet start is read alone; the rest arrive within a gathering window or two.
    expect(reads.length).toBeLessThanOrEqual(5);
    expect(reads.slice(1).some((ids) => ids.length >= 10)).toBe(true);
  });

  it('without a gathering window the same stream is read a few users at a time (what the window is for)', async () => {
    const reads = await streamOfChanges(0, 40);
    expect(reads.flat()).toHaveLength(40);
    expect(reads.length).toBeGreaterThan(5);
  });

  it('never holds back a lone change after a quiet spell', async () => {
    bench = await createBench(engine, { worker: { concurrency: 1, gatherMs: 30_000, pollMs: 10 } });
    const b = bench;
    const id = b.addResourceAccount([]);
    b.worker.start();
    await b.notify(id);
    // Far less than the 30 s gathering window: the first lease after a quiet spell is handled as it is.
    await until(
      'the lone alert',
      async () => (await b.store.alerts.list({ tenantId: TENANT })).length === 1,
      15_000,
    );
    expect(b.graph.calls.getUsers).toEqual([[id]]);
  });

  // Issue 19 item 6: at the end of tenant A's storm, B's change leased beside (or right after) A's last few waited
  // the gathering window with them.
  it("does not hold another tenant's change back for the bursting tenant's gathering", async () => {
    let sendB: (() => Promise<void>) | null = null;
    // B's change arrives while A's burst is being read: the next lease is B's alone, right after A's batch.
    const sendBDuringARead = (reader: GraphReader): GraphReader => ({
      ...reader,
      getUsers: async (tenantId, userIds) => {
        const send = sendB;
        sendB = null;
        if (tenantId === TENANT && send !== null) await send();
        return reader.getUsers(tenantId, userIds);
      },
    });
    bench = await createBench(engine, {
      worker: { concurrency: 1, gatherMs: 30_000, pollMs: 10 },
      wrapGraph: sendBDuringARead,
    });
    const b = bench;
    const burst = [b.addResourceAccount([]), b.addResourceAccount([]), b.addResourceAccount([])];
    const userB = randomUUID();
    b.graph.setSkus(TENANT_B, tenantSkus());
    b.graph.setUser({ tenantId: TENANT_B, userId: userB, displayName: 'B user', accountEnabled: true });
    sendB = async () => {
      await b.queue.send([
        {
          messageId: randomUUID(),
          orderingKey: orderingKeyFor(TENANT_B, userB),
          coalesce: true,
          body: {
            kind: 'user-changed',
            tenantId: TENANT_B,
            userId: userB,
            changeType: 'updated',
            subscriptionId: 'sub-b',
            receivedAt: new Date().toISOString(),
            source: 'notification',
          },
        },
      ]);
    };
    await b.notify(...burst);
    b.worker.start();
    // Far less than the 30 s window: B's lease is not A's burst, so it is handled as it is.
    await until(
      "B's change",
      async () => (await b.store.snapshots.list(TENANT_B, { limit: 10 })).length === 1,
      15_000,
    );
    expect(sendB).toBeNull();
    expect(b.graph.calls.getUsers).toEqual([burst, [userB]]);
  });
});
