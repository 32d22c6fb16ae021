/** The token bucket itself, on a clock the test moves (no real I/O here, so a controlled clock is honest). */
import { createRateLimit } from '../../src/http/rate-limit';

describe('createRateLimit', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000_000;
  });

  it('lets a burst through, refuses the next with a Retry-After, and refills over time', () => {
    const limit = createRateLimit({ burst: 3, perSecond: 2, now: clock });
    expect([1, 2, 3].map(() => limit.take('a').allowed)).toEqual([true, true, true]);
    expect(limit.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    now += 500; // one token back at 2 per second
    expect(limit.take('a').allowed).toBe(true);
    expect(limit.take('a').allowed).toBe(false);
    now += 10_000; // never more than the burst
    expect([1, 2, 3, 4].map(() => limit.take('a').allowed)).toEqual([true, true, true, false]);
  });

  it('keeps one bucket per address', () => {
    const limit = createRateLimit({ burst: 1, perSecond: 1, now: clock });
    expect(limit.take('a').allowed).toBe(true);
    expect(limit.take('a').allowed).toBe(false);
    expect(limit.take('b').allowed).toBe(true);
  });

  it('says how long to wait when the refill is slow', () => {
    const limit = createRateLimit({ burst: 1, perSecond: 0.1, now: clock });
    limit.take('a');
    expect(limit.take('a')).toEqual({ allowed: false, retryAfterSeconds: 10 });
  });

  it('forgets the least recently seen address past maxAddresses, so memory stays bounded', () => {
    const limit = createRateLimit({ burst: 1, perSecond: 0.001, maxAddresses: 2, now: clock });
    limit.take('a');
    limit.take('b');
    limit.take('c'); // 'a' is forgotten: it gets a fresh bucket
    expect(limit.take('a').allowed).toBe(true);
    expect(limit.take('c').allowed).toBe(false);
  });

  it('refuses nonsensical settings', () => {
    expect(() => createRateLimit({ burst: 0 })).toThrow(RangeError);
    expect(() => createRateLimit({ perSecond: 0 })).toThrow(RangeError);
  });
});
