/**
 * Times are stored as ISO text in one normal form (`toISOString()`: UTC, milliseconds, `Z`) so that comparing
 * the text compares the instants on both engines (`2025-03-04T10:21:47Z` and `...47.000Z` would not sort).
 */
import type { IsoTime } from '../glossary';

export function normaliseTime(time: IsoTime): string {
  const ms = Date.parse(time);
  if (Number.isNaN(ms)) throw new Error(`not an ISO-8601 time: "${time}"`);
  return new Date(ms).toISOString();
}

export function normaliseOptionalTime(time: IsoTime | null | undefined): string | null {
  return time === null || time === undefined ? null : normaliseTime(time);
}

export function addMs(time: IsoTime, ms: number): string {
  return new Date(Date.parse(time) + ms).toISOString();
}
