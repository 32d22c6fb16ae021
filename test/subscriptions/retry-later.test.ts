import { PermanentError, RetryLaterError } from '../../src/errors';
import { retryOnRetryLater } from '../../src/subscriptions/retry-later';

describe('retries on RetryLaterError', () => {
  const waits: number[] = [];
  const sleep = (ms: number) => {
    waits.push(ms);
    return Promise.resolve();
  };
  beforeEach(() => waits.splice(0));

  it("waits at least Graph's Retry-After, then succeeds", async () => {
    let calls = 0;
    const result = await retryOnRetryLater(
      () => {
        calls++;
        if (calls < 3) return Promise.reject(new RetryLaterError('throttled', 5_000));
        return Promise.resolve('done');
      },
      { attempts: 4, baseDelayMs: 10, maxDelayMs: 60_000, sleep },
    );
    expect(result).toBe('done');
    expect(calls).toBe(3);
    expect(waits).toHaveLength(2);
    for (const w of waits) expect(w).toBeGreaterThanOrEqual(5_000);
  });

  it('gives up after the last attempt and throws the RetryLaterError', async () => {
    let calls = 0;
    await expect(
      retryOnRetryLater(
        () => {
          calls++;
          return Promise.reject(new RetryLaterError('still throttled', 1));
        },
        { attempts: 3, baseDelayMs: 1, maxDelayMs: 5, sleep },
      ),
    ).rejects.toBeInstanceOf(RetryLaterError);
    expect(calls).toBe(3);
    for (const w of waits) expect(w).toBeLessThanOrEqual(5);
  });

  it('does not retry a permanent failure', async () => {
    let calls = 0;
    await expect(
      retryOnRetryLater(
        () => {
          calls++;
          return Promise.reject(new PermanentError('subscription-quota', 'quota'));
        },
        { attempts: 5, baseDelayMs: 1, maxDelayMs: 5, sleep },
      ),
    ).rejects.toBeInstanceOf(PermanentError);
    expect(calls).toBe(1);
  });
});
