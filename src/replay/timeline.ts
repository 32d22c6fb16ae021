/**
 * One account's history (`ra-watch timeline <user>`, `GET /api/replay/timeline/:user`): every license change
 * ra-watch recorded, with the audit activities that explain it (ids, times, who), and every alert raised for the
 * account, merged into one chronological list. An account's log is small (its changes, not the tenant's), but it is
 * still read page by page so that a noisy account cannot make one huge query.
 */
import type { Alert, IsoTime, LicenseActivity, TenantId, UserId } from '../glossary';
import type { Store } from '../store/store';
import { resolveReplayUser } from './replay-user';

const PAGE = 500;

export interface TimelineChange {
  eventId: number;
  receivedAt: IsoTime;
  graphTime: IsoTime | null;
  source: { kind: string; subscriptionId: string | null; messageId: string | null };
  addedSkuIds: string[];
  removedSkuIds: string[];
  activities: Array<
    Pick<
      LicenseActivity,
      'activityId' | 'at' | 'initiatedBy' | 'addedSkuIds' | 'removedSkuIds' | 'auditRecordIds'
    >
  >;
}

export type TimelineEntry =
  | { at: IsoTime; kind: 'change'; change: TimelineChange }
  | { at: IsoTime; kind: 'alert-raised' | 'alert-resolved'; alert: Alert };

export interface Timeline {
  tenantId: TenantId | null;
  userId: UserId;
  userPrincipalName: string | null;
  displayName: string | null;
  /** In the order ra-watch recorded them (the event log's id order). */
  changes: TimelineChange[];
  /** Oldest first. */
  alerts: Alert[];
  /** Changes and alert openings/resolutions by time (a change at its Graph time when known, else when received). */
  entries: TimelineEntry[];
}

export async function timeline(
  store: Store,
  tenantId: TenantId | null,
  userIdOrUpn: string,
): Promise<Timeline> {
  const user = await resolveReplayUser(store, tenantId, userIdOrUpn);
  const changes: TimelineChange[] = [];
  let last: { userPrincipalName: string | null; displayName: string | null } | null = user.snapshot;
  // Always a keyset bound, even for the first page (ids start at 1): with `id > ?` in the query the engine can
  // walk an (…, id) index in order instead of sorting the whole range for every page.
  let afterId = 0;
  for (;;) {
    const page = await store.events.query({
      ...(user.tenantId === null ? {} : { tenantId: user.tenantId }),
      userId: user.userId,
      afterId,
      limit: PAGE,
    });
    for (const event of page) {
      const { change } = event;
      last = user.snapshot ?? change.after;
      changes.push({
        eventId: event.id,
        receivedAt: change.receivedAt,
        graphTime: change.graphTime,
        source: change.source,
        addedSkuIds: change.addedSkuIds,
        removedSkuIds: change.removedSkuIds,
        activities: [...change.activities]
          .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
          .map(({ activityId, at, initiatedBy, addedSkuIds, removedSkuIds, auditRecordIds }) => ({
            activityId,
            at,
            initiatedBy,
            addedSkuIds,
            removedSkuIds,
            auditRecordIds,
          })),
      });
    }
    if (page.length < PAGE) break;
    afterId = page[page.length - 1]!.id;
  }

  const alerts = (
    await store.alerts.list({
      ...(user.tenantId === null ? {} : { tenantId: user.tenantId }),
      userId: user.userId,
      limit: 10_000,
    })
  ).sort(
    (a, b) =>
      Date.parse(a.firstSeenAt) - Date.parse(b.firstSeenAt) ||
      a.ruleId.localeCompare(b.ruleId) ||
      a.id.localeCompare(b.id),
  );

  const entries: TimelineEntry[] = [
    ...changes.map((change): TimelineEntry => ({
      at: change.graphTime ?? change.receivedAt,
      kind: 'change',
      change,
    })),
    ...alerts.flatMap((alert): TimelineEntry[] => [
      { at: alert.firstSeenAt, kind: 'alert-raised', alert },
      ...(alert.resolvedAt === null
        ? []
        : [{ at: alert.resolvedAt, kind: 'alert-resolved' as const, alert }]),
    ]),
  ];
  // Stable sort: at equal times a change stays before the alert it raised.
  entries.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));

  return {
    tenantId: user.tenantId,
    userId: user.userId,
    userPrincipalName: last?.userPrincipalName ?? null,
    displayName: last?.displayName ?? null,
    changes,
    alerts,
    entries,
  };
}
