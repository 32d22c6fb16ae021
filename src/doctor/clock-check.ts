/**
 * Clock skew, from the Date header of a Graph answer against the local clock at that moment. A skewed clock breaks
 * more than it seems: Entra refuses client assertions and ra-watch's own Entra token checks outside their validity
 * window, subscription expiry is computed locally, and alert and audit times stop lining up. Date has a resolution
 * of one second and the answer took some time to arrive: only a skew well above that means anything.
 */
import type { CheckResult } from './doctor-check';

/** Above this, warn (Entra allows 5 minutes of skew on tokens; ra-watch's API check allows 60 s). */
export const CLOCK_SKEW_WARN_MS = 2 * 60_000;

/** `dateHeader`: Graph's Date; `localMs`: Date.now() when the answer arrived. */
export function clockCheck(dateHeader: string | null, localMs: number): CheckResult {
  const title = 'Clock (against Graph)';
  const graphMs = dateHeader === null ? Number.NaN : Date.parse(dateHeader);
  if (Number.isNaN(graphMs))
    return {
      check: 'clock',
      title,
      status: 'skipped',
      detail: 'no Graph answer with a Date header to compare',
    };
  const skewMs = localMs - graphMs;
  const seconds = Math.round(Math.abs(skewMs) / 1000);
  const direction = skewMs > 0 ? 'ahead of' : 'behind';
  if (Math.abs(skewMs) <= CLOCK_SKEW_WARN_MS)
    return { check: 'clock', title, status: 'ok', detail: `within ${seconds} s of Graph's clock` };
  return {
    check: 'clock',
    title,
    status: 'warn',
    detail: `the local clock is ${seconds} s ${direction} Graph's (Date: ${dateHeader})`,
    fix: "Synchronise the clock (NTP: e.g. `timedatectl set-ntp true`, or the container host's time service).",
  };
}
