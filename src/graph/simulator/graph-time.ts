/**
 * Timestamps in the formats Graph actually uses, so ra-watch's parsers meet the real variety:
 * audit records carry 7 fractional digits (`2025-03-04T10:21:47.8834120Z`), error bodies a bare
 * `2025-03-04T10:30:18`, subscriptions 3 digits with `Z` and notifications 3 digits with `+00:00`.
 */

let sub = 0;

/** `2025-03-04T10:21:47.8834120Z`: the audit log's 7 digits; the last four break ties within a millisecond. */
export function sevenDigitTime(ms: number): string {
  sub = (sub + 1) % 10_000;
  return new Date(ms)
    .toISOString()
    .replace(/\.(\d{3})Z$/, (_m, frac: string) => `.${frac}${String(sub).padStart(4, '0')}Z`);
}

/** `2025-03-04T10:30:18`: innerError.date. */
export function innerErrorDate(ms = Date.now()): string {
  return new Date(ms).toISOString().slice(0, 19);
}

/** `2025-03-31T09:58:12.417+00:00`: as change notifications carry subscriptionExpirationDateTime. */
export function offsetTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '+00:00');
}

/** `2025-03-31T02:58:12.4170000-07:00`: as a captured reauthorizationRequired notification carries it. */
export function pacificOffsetTime(ms: number): string {
  const shifted = new Date(ms - 7 * 3_600_000).toISOString();
  return shifted.replace(/\.(\d{3})Z$/, (_m, frac: string) => `.${frac}0000-07:00`);
}
