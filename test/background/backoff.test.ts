/**
 * The one backoff: exponential, capped, with the jitter each caller chose, pinned by a fixed `random`. The Graph
 * client's and the outbox's own policies are tested with them (retry-policy, retry-delay); the worker's redelivery
 * delay (equal jitter) has no module of its own any more, so its cases live here.
 */
import { backoffMs, parseRetryAfter, sleep, type BackoffPolicy } from '../../src/background/backoff';

describe("equal jitter (the worker's redelivery delay): exponential by delivery count, capped", () => {
  const worker: BackoffPolicy = { baseMs: 1000, maxMs: 60000, jitter: 'equal' };
  const retryDelayMs = (deliveryCount: number, random?: () => number) =>
    backoffMs(deliveryCount - 1, worker, random);

  it.each([
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [6, 32000],
    [20, 60000],
  ])('delivery %i waits between half of and the full %i ms', (deliveryCount, ceiling) => {
    expect(retryDelayMs(deliveryCount, () => 0)).toBe(ceiling / 2);
    expect(retryDelayMs(deliveryCount, () => 0.999999)).toBe(ceiling);
  });

  it('spreads a batch that failed together', () => {
    const delays = new Set(Array.from({ length: 20 }, () => retryDelayMs(3)));
    expect(delays.size).toBeGreaterThan(1);
    for (const delay of delays) expect(delay).toBeGreaterThanOrEqual(2000);
  });
});

describe('the other jitters', () => {
  it('full: anywhere from 0 to just under the ceiling', () => {
    const policy: BackoffPolicy = { baseMs: 500, maxMs: 8000, jitter: 'full' };
    expect([0, 1, 4, 5].map((retry) => backoffMs(retry, policy, () => 0.999999))).toEqual([
      499, 999, 7999, 7999,
    ]);
    expect(backoffMs(3, policy, () => 0)).toBe(0);
  });

  it('none: the ceiling itself', () => {
    const policy: BackoffPolicy = { baseMs: 250, maxMs: 300_000, jitter: 'none' };
    expect([0, 1, 10, 11].map((retry) => backoffMs(retry, policy))).toEqual([250, 500, 256_000, 300_000]);
  });

  it('addUpTo: the full ceiling plus up to that fraction of it', () => {
    const policy: BackoffPolicy = { baseMs: 1000, maxMs: 60_000, jitter: { addUpTo: 0.2 } };
    expect(backoffMs(2, policy, () => 0)).toBe(4000);
    expect(backoffMs(2, policy, () => 0.5)).toBe(4400);
    expect(backoffMs(10, policy, () => 0.5)).toBe(66_000); // the caller caps over its Retry-After floor
  });

  it('a runaway retry count stays finite', () => {
    expect(backoffMs(10_000, { baseMs: 1, maxMs: Number.POSITIVE_INFINITY, jitter: 'none' })).toBe(2 ** 30);
  });
});

describe('Retry-After', () => {
  const NOW = Date.parse('2025-03-04T10:30:18Z');
  it.each<[string | null | undefined, number | null]>([
    ['5', 5_000],
    ['1.0004', 1_001], // rounded up: the header is a minimum
    ['Tue, 04 Mar 2025 10:30:28 GMT', 10_000],
    ['Tue, 04 Mar 2025 10:30:00 GMT', 0],
    ['soon', null],
    [' ', null],
    [undefined, null],
  ])('%p → %p ms', (header, expected) => {
    expect(parseRetryAfter(header, NOW)).toBe(expected);
  });
});

describe('sleep', () => {
  it('ends early when its signal aborts, and at once when it was aborted already', async () => {
    const controller = new AbortController();
    const sleeping = sleep(60_000, controller.signal);
    controller.abort();
    await sleeping;
    await sleep(60_000, controller.signal);
  });
});
