import { retryDelayMs } from '../../src/alerts/retry-delay';
import { parseRetryAfter } from '../../src/background/backoff';
import { redactSecrets, redactUrls } from '../../src/alerts/redact-url';

const options = { baseDelayMs: 1000, maxDelayMs: 60_000 };

describe('retry delay: exponential backoff with full jitter, Retry-After as a floor', () => {
  it('grows the ceiling exponentially and caps it', () => {
    const top = (attempt: number) => retryDelayMs(attempt, options, 0, () => 0.999999);
    expect(top(1)).toBe(999);
    expect(top(2)).toBe(1999);
    expect(top(4)).toBe(7999);
    expect(top(20)).toBe(59_999);
  });

  it('spreads delays between 0 and the ceiling (full jitter)', () => {
    expect(retryDelayMs(3, options, 0, () => 0)).toBe(0);
    expect(retryDelayMs(3, options, 0, () => 0.5)).toBe(2000);
  });

  it('never retries sooner than the peer asked', () => {
    expect(retryDelayMs(1, options, 30_000, () => 0.5)).toBe(30_000);
    expect(retryDelayMs(10, options, 1000, () => 0.9)).toBeGreaterThan(1000);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('7')).toBe(7000);
    expect(parseRetryAfter('Wed, 04 Mar 2025 12:00:30 GMT', Date.parse('2025-03-04T12:00:00Z'))).toBe(30_000);
    expect(parseRetryAfter(undefined)).toBeNull();
    expect(parseRetryAfter('soon')).toBeNull();
  });
});

describe('redaction of URLs and secrets in error text', () => {
  it('keeps scheme and host, drops path, query and credentials', () => {
    const text =
      'POST https://hooks.slack.com/services/T0/B0/abcSECRET?x=1 failed; smtp://user:pa55@mail.contoso.com:587 too';
    const out = redactUrls(text);
    expect(out).toBe(
      'POST https://hooks.slack.com/[redacted] failed; smtp://mail.contoso.com:587/[redacted] too',
    );
  });

  it('removes given secrets even outside a URL', () => {
    expect(redactSecrets('auth failed for pa55word!', ['pa55word!'])).toBe('auth failed for [redacted]');
  });
});
