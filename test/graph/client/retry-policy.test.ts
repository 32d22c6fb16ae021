import { parseRetryAfter } from '../../../src/background/backoff';
import { retryDelay, type RetryOptions } from '../../../src/graph/client/retry-policy';

const NOW = Date.parse('2025-03-04T10:30:18Z');
const options: RetryOptions = { maxRetries: 4, baseDelayMs: 500, maxDelayMs: 8_000 };

describe('parseRetryAfter', () => {
  it.each<[string | null, number | null]>([
    ['5', 5_000],
    [' 1 ', 1_000],
    ['0', 0],
    ['1.5', 1_500],
    ['Tue, 04 Mar 2025 10:30:28 GMT', 10_000],
    ['Tue, 04 Mar 2025 10:30:00 GMT', 0], // already past: go now
    ['soon', null],
    ['', null],
    [null, null],
  ])('%p → %p ms', (header, expected) => {
    expect(parseRetryAfter(header, NOW)).toBe(expected);
  });
});

describe('backoff with full jitter', () => {
  it('draws between 0 and an exponential cap that stops at maxDelayMs', () => {
    expect([0, 1, 2, 3, 4, 5].map((attempt) => retryDelay(attempt, null, options, () => 0.999999))).toEqual([
      499, 999, 1_999, 3_999, 7_999, 7_999,
    ]);
    expect(retryDelay(3, null, options, () => 0)).toBe(0);
    expect(retryDelay(2, null, options, () => 0.5)).toBe(1_000);
  });

  it('waits what Graph asked for when it said, whatever the jitter', () => {
    expect(retryDelay(0, 12_000, options, () => 0)).toBe(12_000);
    expect(retryDelay(2, null, options, () => 0.5)).toBe(1_000);
  });
});
