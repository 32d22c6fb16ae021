import { retryDelayMs } from '../../src/worker/retry-backoff';

describe('retryDelayMs: exponential by delivery count, capped, with jitter', () => {
  it.each([
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [6, 32000],
    [20, 60000],
  ])('delivery %i waits between half of and the full %i ms', (deliveryCount, ceiling) => {
    expect(retryDelayMs(deliveryCount, 1000, 60000, () => 0)).toBe(ceiling / 2);
    expect(retryDelayMs(deliveryCount, 1000, 60000, () => 0.999999)).toBe(ceiling);
  });

  it('spreads a batch that failed together', () => {
    const delays = new Set(Array.from({ length: 20 }, () => retryDelayMs(3, 1000, 60000)));
    expect(delays.size).toBeGreaterThan(1);
    for (const delay of delays) expect(delay).toBeGreaterThanOrEqual(2000);
  });
});
