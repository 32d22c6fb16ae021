import { randomUUID } from 'node:crypto';
import { PermanentError, RetryLaterError } from '../../src/errors';
import { orderingKeyFor, type LifecycleWork } from '../../src/queue/work-item';
import { ENGINES } from '../support/databases';
import { TENANT, createBench, licenses, type Bench } from './worker-harness';

describe.each(ENGINES)('worker on %s: failures are retried or dead-lettered, never lost', (engine) => {
  let bench: Bench;
  const lifecycle: LifecycleWork[] = [];
  beforeEach(async () => {
    lifecycle.length = 0;
    bench = await createBench(engine, {
      worker: { retryBaseMs: 0 },
      deps: {
        onLifecycle: (item) => {
          lifecycle.push(item);
          return Promise.resolve();
        },
      },
    });
  });
  afterEach(async () => {
    await bench.close();
  });

  it('dead-letters a body that is not a work item, with the validation error, without blocking its key', async () => {
    const queueId = bench.addResourceAccount([]);
    await bench.queue.send([
      {
        messageId: 'poison-1',
        // The same key as the account's own change, sent before it: poison must not hold that change up.
        orderingKey: orderingKeyFor(TENANT, queueId),
        body: { kind: 'user-changed', tenantId: TENANT } as never,
      },
      { messageId: 'poison-2', orderingKey: `${TENANT}/other`, body: { kind: 'no-such-kind' } as never },
    ]);
    await bench.notify(queueId);
    expect(await bench.worker.runOnce()).toBe(3);

    const dead = await bench.queue.listDeadLetters();
    expect(dead.map((d) => d.messageId).sort()).toEqual(['poison-1', 'poison-2']);
    for (const letter of dead) {
      expect(letter.reason).toBe('invalid work item');
      expect(letter.description?.length ?? 0).toBeGreaterThan(0);
    }
    expect(dead.find((d) => d.messageId === 'poison-1')?.description).toContain('userId');
    expect(
      (await bench.store.alerts.list({ tenantId: TENANT, userId: queueId })).map((a) => a.ruleId),
    ).toEqual(['ra.unlicensed']);
  });

  it("gives a throttled read back to the queue after Graph's own Retry-After", async () => {
    const queueId = bench.addResourceAccount([]);
    bench.graph.failNext('getUsers', new RetryLaterError('Graph answered 429', 60_000));
    await bench.notify(queueId);
    await bench.worker.runOnce();

    // With retryBaseMs 0 any other failure would be visible at once and retried in this same run; this one waits.
    const stats = await bench.queue.stats();
    expect(stats).toMatchObject({ ready: 0, inFlight: 0, scheduled: 1, deadLettered: 0 });
    expect(bench.graph.calls.getUsers).toHaveLength(1);
    expect(await bench.store.alerts.list({ tenantId: TENANT })).toEqual([]);
  });

  it('retries an unexpected failure and succeeds on the next delivery', async () => {
    const queueId = bench.addResourceAccount([]);
    bench.graph.failNext('getTeamsUserConfiguration', new Error('socket hang up'));
    await bench.notify(queueId);
    await bench.worker.runOnce();

    expect(bench.graph.calls.getTeamsUserConfiguration).toEqual([queueId, queueId]);
    expect(
      (await bench.store.alerts.list({ tenantId: TENANT, userId: queueId })).map((a) => a.ruleId),
    ).toEqual(['ra.unlicensed']);
    expect(await bench.queue.stats()).toMatchObject({ ready: 0, scheduled: 0, inFlight: 0, deadLettered: 0 });
  });

  it('dead-letters a permanent failure with its reason', async () => {
    const queueId = bench.addResourceAccount([]);
    // The shared $batch read fails, and so does the read of the user alone that the worker falls back to.
    bench.graph.failNext(
      'getUsers',
      new PermanentError('graph response not understood', 'users: expected array'),
    );
    bench.graph.failNext(
      'getUser',
      new PermanentError('graph response not understood', 'users: expected array'),
    );
    await bench.notify(queueId);
    await bench.worker.runOnce();

    const [dead] = await bench.queue.listDeadLetters();
    expect(dead).toMatchObject({
      reason: 'graph response not understood',
      description: 'users: expected array',
    });
  });

  it('reads each user alone when the shared batch read fails, so its batch-mates are not dead-lettered with it', async () => {
    const first = bench.addResourceAccount([]);
    const second = bench.addResourceAccount([]);
    // The $batch answer is not understood (permanent for the batch); the users read alone are fine, but for a
    // transient failure on the first individual read, which is retried.
    bench.graph.failNext(
      'getUsers',
      new PermanentError('graph response not understood', 'responses: expected array'),
    );
    bench.graph.failNext('getUser', new Error('Graph answered 500 for this user'));
    await bench.notify(first);
    await bench.notify(second);
    await bench.worker.runOnce();
    const alerts = await bench.store.alerts.list({ limit: 10 });
    expect(
      alerts
        .filter((a) => a.ruleId === 'ra.unlicensed')
        .map((a) => a.userId)
        .sort(),
    ).toEqual([first, second].sort());
    expect(await bench.queue.listDeadLetters()).toEqual([]);
  });

  it('fans a group change out to a read of each member, and completes one without members', async () => {
    const first = bench.addUser([licenses.ra()]);
    const second = bench.addResourceAccount([]);
    const groupChanged = (memberIds: string[]) => ({
      messageId: randomUUID(),
      orderingKey: orderingKeyFor(TENANT, 'group-1'),
      body: {
        kind: 'group-changed' as const,
        tenantId: TENANT,
        groupId: 'group-1',
        changeType: 'updated' as const,
        subscriptionId: 'sub-groups',
        receivedAt: new Date().toISOString(),
        memberIds,
      },
    });
    await bench.queue.send([groupChanged([first, second, first])]);
    expect(await bench.worker.runOnce()).toBe(3);
    expect(new Set(bench.graph.calls.getUsers.flat())).toEqual(new Set([first, second]));
    const rules = (await bench.store.alerts.list({ tenantId: TENANT })).map((a) => a.ruleId).sort();
    expect(rules).toEqual(['ra.license-on-user', 'ra.unlicensed']);

    await bench.queue.send([groupChanged([])]);
    expect(await bench.worker.runOnce()).toBe(1);
    expect(await bench.queue.stats()).toMatchObject({ ready: 0, deadLettered: 0 });
  });

  it('hands lifecycle notifications to the subscriptions hook and completes them', async () => {
    const item: LifecycleWork = {
      kind: 'lifecycle',
      tenantId: TENANT,
      subscriptionId: 'sub-1',
      lifecycleEvent: 'reauthorizationRequired',
      receivedAt: new Date().toISOString(),
    };
    await bench.queue.send([
      { messageId: 'life-1', orderingKey: orderingKeyFor(TENANT, 'sub-1'), body: item },
    ]);
    expect(await bench.worker.runOnce()).toBe(1);
    expect(lifecycle).toEqual([item]);
    expect(await bench.queue.stats()).toMatchObject({ ready: 0, inFlight: 0, deadLettered: 0 });
  });
});

describe.each(ENGINES)('worker on %s: long work keeps its lease', (engine) => {
  let bench: Bench;
  beforeEach(async () => {
    bench = await createBench(engine, { worker: { leaseMs: 1_000 } });
  });
  afterEach(async () => {
    await bench.close();
  });

  it('renews the lease while a slow Graph read runs, so a second consumer does not get the same user', async () => {
    const queueId = bench.addResourceAccount([]);
    await bench.notify(queueId);
    bench.graph.setLatency(1_200); // every read outlasts the 1 s lease; the batch makes several
    const first = bench.worker.runOnce();
    await new Promise((resolve) => setTimeout(resolve, 1_800));
    const second = bench.worker.runOnce();
    const [handledFirst, handledSecond] = await Promise.all([first, second]);

    expect([handledFirst, handledSecond]).toEqual([1, 0]);
    expect(bench.graph.calls.getUsers).toEqual([[queueId]]);
    expect(await bench.queue.stats()).toMatchObject({ ready: 0, inFlight: 0, scheduled: 0, deadLettered: 0 });
  });
});
