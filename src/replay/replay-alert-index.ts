/**
 * The alerts a replay compares with, by account. A range of a million events touches every account in the tenant,
 * while alerts exist only for accounts that had a problem: so the tenant's alerts are read once (their number grows
 * with problems found, not with events) and grouped by account, instead of one query per account. After a delivery
 * the account's alerts are read again, so the next event sees what the delivery wrote.
 */
import type { Alert, TenantId, UserId } from '../glossary';
import type { Store } from '../store/store';

/** Far above any real tenant's alert count; the port has no paging for alerts. */
const ALL_ALERTS = 1_000_000;
const NONE: readonly Alert[] = Object.freeze([]);

export interface ReplayAlertIndex {
  forUser(tenantId: TenantId, userId: UserId): Promise<readonly Alert[]>;
  refresh(tenantId: TenantId, userId: UserId): Promise<void>;
}

export function createReplayAlertIndex(store: Pick<Store, 'alerts'>): ReplayAlertIndex {
  const tenants = new Map<string, Promise<Map<string, Alert[]>>>();

  const byUser = (tenantId: TenantId): Promise<Map<string, Alert[]>> => {
    const key = tenantId.toLowerCase();
    let loading = tenants.get(key);
    if (loading === undefined) {
      loading = store.alerts.list({ tenantId, limit: ALL_ALERTS }).then((alerts) => {
        const grouped = new Map<string, Alert[]>();
        for (const alert of alerts) {
          if (alert.userId === null) continue;
          const userKey = alert.userId.toLowerCase();
          const list = grouped.get(userKey);
          if (list === undefined) grouped.set(userKey, [alert]);
          else list.push(alert);
        }
        return grouped;
      });
      tenants.set(key, loading);
    }
    return loading;
  };

  return {
    forUser: async (tenantId, userId) => (await byUser(tenantId)).get(userId.toLowerCase()) ?? NONE,
    refresh: async (tenantId, userId) => {
      const grouped = await byUser(tenantId);
      grouped.set(userId.toLowerCase(), await store.alerts.list({ tenantId, userId, limit: ALL_ALERTS }));
    },
  };
}
