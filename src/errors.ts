/**
 * Typed failures, so every loop can decide between "try again later" and "this will never work" without parsing
 * messages. Each carries the original error as `cause`.
 */

/** A transient failure (throttling, a peer down): retry after `delayMs`. */
export class RetryLaterError extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RetryLaterError';
  }
}

/**
 * Graph kept failing without asking us to slow down (5xx without Retry-After, no answer, a timeout): an outage rather
 * than a throttle. Still "try again later"; a read that has weaker sources to fall back on may do so instead.
 */
export class GraphUnavailableError extends RetryLaterError {
  constructor(message: string, delayMs: number, options?: { cause?: unknown }) {
    super(message, delayMs, options);
    this.name = 'GraphUnavailableError';
  }
}

/**
 * A request that is not safe to repeat (POST /subscriptions) got no answer, or a 5xx: it may have taken effect.
 * Look before trying again (the subscription manager lists and adopts; issue 17 item 5).
 */
export class OutcomeUnknownError extends RetryLaterError {
  constructor(message: string, delayMs: number, options?: { cause?: unknown }) {
    super(message, delayMs, options);
    this.name = 'OutcomeUnknownError';
  }
}

/** A failure retrying cannot fix (bad data, a missing permission): dead-letter or report with `reason`. */
export class PermanentError extends Error {
  constructor(
    readonly reason: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PermanentError';
  }
}

/** Graph no longer knows a delta link (410 Gone, syncStateNotFound, resyncRequired): start a full sync. */
export class DeltaExpiredError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeltaExpiredError';
  }
}

/** A message for logs and API answers, from anything thrown. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
