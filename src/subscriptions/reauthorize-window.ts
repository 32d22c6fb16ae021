/**
 * Graph's lifecycle page: "avoid sending a reauthorize and an update (PATCH) request for the same subscription within
 * 10 minutes of each other" (https://learn.microsoft.com/graph/change-notifications-lifecycle-events). ra-watch
 * answers `reauthorizationRequired` with a PATCH only, and neither the lifecycle handler nor the renewal loop PATCHes
 * a subscription renewed less than this long ago (issue 17 item 4).
 */
export const REAUTHORIZE_UPDATE_GAP_MS = 10 * 60_000;

/** Whether `lastRenewedAt` (ISO, or null when never renewed) lies within `gapMs` before `now`. */
export function renewedWithin(lastRenewedAt: string | null, now: Date, gapMs: number): boolean {
  if (lastRenewedAt === null) return false;
  const at = Date.parse(lastRenewedAt);
  return Number.isFinite(at) && now.getTime() - at < gapMs && now.getTime() >= at;
}
