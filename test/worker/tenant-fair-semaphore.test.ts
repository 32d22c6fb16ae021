/**
 * The worker's fair share of Graph slots between tenants (src/worker/tenant-fair-semaphore.ts), with real tasks
 * that end when the test says so: which reads start, in which order. No clocks.
 */
import { createTenantFairSemaphore, type TenantFairSemaphore } from '../../src/worker/tenant-fair-semaphore';

/** A read that has been asked for; `started` once it holds a slot, finished by `end()`. */
function ask(slots: TenantFairSemaphore, tenantId: string, name: string, log: string[]) {
  let end!: () => void;
  let fail!: (error: Error) => void;
  const done = slots.run(tenantId, () => {
    log.push(name);
    return new Promise<void>((resolve, reject) => {
      end = resolve;
      fail = reject;
    });
  });
  return { done, end: () => end(), fail: (error: Error) => fail(error) };
}

/** Lets granted tasks run up to their first await. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('tenant-fair Graph slots', () => {
  it("gives one tenant at most half the slots, so another tenant's read starts at once during a storm", async () => {
    const slots = createTenantFairSemaphore(4);
    const log: string[] = [];
    const storm = Array.from({ length: 6 }, (_, i) => ask(slots, 'a', `a${i}`, log));
    await settle();
    expect(log).toEqual(['a0', 'a1']);
    const b = ask(slots, 'b', 'b0', log);
    await settle();
    expect(log).toEqual(['a0', 'a1', 'b0']);
    expect(slots.usage()).toEqual({ inUse: { a: 2, b: 1 }, waiting: { a: 4 } });

    // A's own reads go on in the order they were asked for, two at a time.
    storm[0]!.end();
    await settle();
    expect(log).toEqual(['a0', 'a1', 'b0', 'a2']);
    b.end();
    for (const read of storm.slice(1)) {
      read.end();
      await settle();
    }
    await Promise.all(storm.map((read) => read.done));
    expect(log).toEqual(['a0', 'a1', 'b0', 'a2', 'a3', 'a4', 'a5']);
    expect(slots.usage()).toEqual({ inUse: {}, waiting: {} });
  });

  it('hands a freed slot to the waiting tenant holding fewest, then to the longest wait', async () => {
    const slots = createTenantFairSemaphore(5); // at most 3 per tenant
    const log: string[] = [];
    const a = Array.from({ length: 4 }, (_, i) => ask(slots, 'a', `a${i}`, log));
    const b = Array.from({ length: 3 }, (_, i) => ask(slots, 'b', `b${i}`, log));
    const c = ask(slots, 'c', 'c0', log);
    await settle();
    // a: 3 (its cap), b: 2 (all five slots taken); waiting a3, b2, c0.
    expect(log).toEqual(['a0', 'a1', 'a2', 'b0', 'b1']);
    a[0]!.end();
    await settle();
    // c holds none: it goes first, though a3 and b2 asked earlier.
    expect(log.at(-1)).toBe('c0');
    a[1]!.end();
    await settle();
    // a holds 1, b holds 2: a's waiter.
    expect(log.at(-1)).toBe('a3');
    b[0]!.end();
    await settle();
    expect(log.at(-1)).toBe('b2');
    for (const read of [...a, ...b, c]) read.end();
    await Promise.all([...a, ...b, c].map((read) => read.done));
  });

  it('gives the slot back when a read fails', async () => {
    const slots = createTenantFairSemaphore(1);
    const log: string[] = [];
    const first = ask(slots, 'a', 'a0', log);
    const second = ask(slots, 'b', 'b0', log);
    await settle();
    expect(log).toEqual(['a0']);
    first.fail(new Error('Graph said no'));
    await expect(first.done).rejects.toThrow('Graph said no');
    await settle();
    expect(log).toEqual(['a0', 'b0']);
    second.end();
    await second.done;
  });

  it('refuses a slot count that is not a whole number of at least one', () => {
    expect(() => createTenantFairSemaphore(0)).toThrow(RangeError);
    expect(() => createTenantFairSemaphore(1.5)).toThrow(RangeError);
  });
});
