/**
 * An HTTP answer from a chat or webhook peer as a typed error. 429 and 5xx are worth retrying (Slack and Teams
 * answer 429 with Retry-After when a channel is posted to too fast; 503 when they are down); any other 4xx means
 * the URL or the payload is wrong and retrying cannot help. The peer's URL is never part of the message.
 */
import { parseRetryAfter } from '../background/backoff';
import { PermanentError, RetryLaterError } from '../errors';

/** Fallback delay when a 429/503 carries no Retry-After: long enough not to hammer a throttled peer. */
const DEFAULT_THROTTLE_MS = 30_000;

export function httpFailure(
  sink: string,
  status: number,
  retryAfter: string | null | undefined,
  detail = '',
): Error {
  const suffix = detail === '' ? '' : `: ${detail.slice(0, 200)}`;
  if (status === 429 || status === 503) {
    const delay = parseRetryAfter(retryAfter);
    return new RetryLaterError(
      `${sink} answered ${status}${delay === null ? '' : ` (Retry-After ${Math.ceil(delay / 1000)} s)`}${suffix}`,
      delay ?? DEFAULT_THROTTLE_MS,
    );
  }
  if (status >= 500 || status === 408) return new RetryLaterError(`${sink} answered ${status}${suffix}`, 0);
  return new PermanentError(
    `http-${status}`,
    `${sink} refused the message with ${status}${suffix}; check the URL and the payload`,
  );
}

/** No answer at all (connection refused, reset, timeout): the peer may come back. */
export function networkFailure(sink: string, error: unknown): RetryLaterError {
  const code =
    typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'network error';
  return new RetryLaterError(`${sink} could not be reached (${code})`, 0);
}
