/**
 * `ra-watch timeline` for people: one row per entry (time, what happened, the detail), SKUs by part number from the
 * tenant's stored catalog (MCOEV_VIRTUALUSER reads better than a GUID), and alerts by severity, rule and title. The
 * JSON document stays the full `Timeline` for scripts.
 */
import type { LicenseCatalog } from '../licensing/license-catalog';
import type { Timeline, TimelineChange, TimelineEntry } from '../replay/timeline';

export const TIMELINE_COLUMNS = ['time', 'what', 'detail'];

function skus(catalog: LicenseCatalog, change: { addedSkuIds: string[]; removedSkuIds: string[] }): string {
  const name = (skuId: string): string => catalog.skuPartNumber(skuId) ?? skuId;
  return [
    ...change.addedSkuIds.map((s) => `+${name(s)}`),
    ...change.removedSkuIds.map((s) => `-${name(s)}`),
  ].join(' ');
}

function changeDetail(catalog: LicenseCatalog, change: TimelineChange): string {
  const parts = [skus(catalog, change) || 'no license change'];
  for (const a of change.activities)
    parts.push(`${a.at} ${skus(catalog, a)} by ${a.initiatedBy ?? 'unknown'} (activity ${a.activityId})`);
  return parts.join('; ');
}

function row(catalog: LicenseCatalog, entry: TimelineEntry): [string, string, string] {
  if (entry.kind === 'change')
    return [entry.at, `license change (${entry.change.source.kind})`, changeDetail(catalog, entry.change)];
  const { alert } = entry;
  const what = entry.kind === 'alert-raised' ? `alert raised (${alert.severity})` : 'alert resolved';
  return [entry.at, what, `${alert.ruleId}: ${alert.finding.title} (alert ${alert.id})`];
}

export function timelineRows(timeline: Timeline, catalog: LicenseCatalog): Array<[string, string, string]> {
  return timeline.entries.map((entry) => row(catalog, entry));
}
