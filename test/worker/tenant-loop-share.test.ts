/**
 * The worker's loops shared between tenants (src/worker/tenant-loop-share.ts): one tenant holds at most half the
 * loops, rounded up; the loops kept back are offered everything but the tenants at their share. Real leases handed in
 * by the test (what a queue would return), no clocks.
 */
import type { LeasedMessage } from '../../src/queue/queue';
import { createTenantLoopShare, unsharedLoops } from '../../src/worker/tenant-loop-share';

function leased(tenantId: string, userId: string): LeasedMessage {
  return {
    messageId: `${tenantId}-${userId}`,
    orderingKey: `${tenantId}/${userId}`,
    body: { kind: 'user-changed', tenantId, userId },
    deliveryCount: 1,
    enqueuedAt: new Date(0),
    coalescedCount: 1,
    leaseToken: `lease-${tenantId}-${userId}`,
    leaseExpiresAt: new Date(60_000),
  };
}

/** A lease that records what it was told to leave alone and returns `messages`. */
function leaseOf(messages: LeasedMessage[], told: Array<readonly string[]>) {
  return (exceptTenants: readonly string[]) => {
    told.push([...exceptTenants]);
    return Promise.resolve(messages);
  };
}

describe('tenant loop share', () => {
  it('keeps the last of three loops from the tenant holding two, until one of them is done', async () => {
    const share = createTenantLoopShare(3);
    const told: Array<readonly string[]> = [];
    const first = share.begin();
    await share.lease(first, leaseOf([leased('a', 'u1')], told));
    const second = share.begin();
    await share.lease(second, leaseOf([leased('a', 'u2'), leased('b', 'u1')], told));
    const third = share.begin();
    await share.lease(third, leaseOf([leased('b', 'u2')], told));
    // A held one loop, then two: the third loop is told to leave A alone (B, in one batch, is under its share).
    expect(told).toEqual([[], [], ['a']]);

    // A top-up of a batch that holds A may take more of A's.
    await share.lease(second, leaseOf([], told));
    expect(told.at(-1)).toEqual([]);
    // B is now in two batches: a fourth asker leaves both alone.
    const fourth = share.begin();
    await share.lease(fourth, leaseOf([], told));
    expect(told.at(-1)!.slice().sort()).toEqual(['a', 'b']);

    first.release();
    first.release(); // twice is once
    second.release();
    await share.lease(fourth, leaseOf([], told));
    expect(told.at(-1)).toEqual([]);
    third.release();
    fourth.release();
  });

  it('keeps two of four loops (the embedded default) from a storming tenant, so a quiet one has two', async () => {
    const share = createTenantLoopShare(4);
    const told: Array<readonly string[]> = [];
    const storm = [share.begin(), share.begin()];
    for (const [i, claim] of storm.entries()) await share.lease(claim, leaseOf([leased('a', `u${i}`)], told));
    const quiet = [share.begin(), share.begin()];
    for (const [i, claim] of quiet.entries()) await share.lease(claim, leaseOf([leased('b', `u${i}`)], told));
    // A is at its share after two loops: both others are told to leave it alone, and B may hold both.
    expect(told).toEqual([[], [], ['a'], ['a']]);
    for (const claim of [...storm, ...quiet]) claim.release();
  });

  it('leaves nobody out with one loop: there is nothing to keep back', async () => {
    const share = createTenantLoopShare(1);
    const told: Array<readonly string[]> = [];
    const only = share.begin();
    await share.lease(only, leaseOf([leased('a', 'u1')], told));
    await share.lease(share.begin(), leaseOf([], told));
    expect(told).toEqual([[], []]);
    only.release();
  });

  it('takes leases one at a time, so two loops asking at once cannot both take the last share', async () => {
    const share = createTenantLoopShare(2);
    const told: Array<readonly string[]> = [];
    let answer!: (messages: LeasedMessage[]) => void;
    const slow = share.lease(share.begin(), (exceptTenants) => {
      told.push([...exceptTenants]);
      return new Promise((resolve) => (answer = resolve));
    });
    const second = share.lease(share.begin(), leaseOf([], told));
    await new Promise((resolve) => setImmediate(resolve));
    // The second asks only once the first has its answer (A), and is told to leave A alone.
    expect(told).toEqual([[]]);
    answer([leased('a', 'u1')]);
    await Promise.all([slow, second]);
    expect(told).toEqual([[], ['a']]);
  });

  it('passes the turn on when a lease fails', async () => {
    const share = createTenantLoopShare(3);
    const failing = share.lease(share.begin(), () => Promise.reject(new Error('database is locked')));
    await expect(failing).rejects.toThrow('database is locked');
    await expect(
      share.lease(share.begin(), () => Promise.resolve([leased('a', 'u1')])),
    ).resolves.toHaveLength(1);
  });

  // A queue that cannot leave tenants out (Service Bus): the loops lease side by side, as before the share.
  it('unshared: two leases run at once and nobody is left out', async () => {
    const share = unsharedLoops();
    const told: Array<readonly string[]> = [];
    let answer!: (messages: LeasedMessage[]) => void;
    const slow = share.lease(share.begin(), (exceptTenants) => {
      told.push([...exceptTenants]);
      return new Promise((resolve) => (answer = resolve));
    });
    await share.lease(share.begin(), leaseOf([leased('a', 'u1')], told));
    // The second lease ran while the first still waited for its answer.
    expect(told).toEqual([[], []]);
    answer([leased('a', 'u2')]);
    await expect(slow).resolves.toHaveLength(1);
  });
});
