/**
 * The console's all-tenants overview (issue 19 item 7) in one read: per tenant its names and status, open alerts by
 * severity, the Resource Account licenses it has to buy, the health of its change-notification subscriptions and
 * when the last notification arrived. An MSP watching 200 tenants would otherwise make the page ask five endpoints per
 * tenant on every poll.
 *
 * Everything comes from the store, never from Graph: the page polls, and 200 tenants times subscribedSkus every few
 * seconds would be throttled. The allocation is computed from the SKU list ra-watch last read from the tenant (kept
 * for replay, replay/stored-sku-catalog.ts) and the resource accounts it knows (the same count as GET
 * /api/allocation), so it is as fresh as the last Graph read, and says when that was.
 */
import type { Alert, Allocation, IsoTime, Severity, TenantId } from '../glossary';
import { countKnownResourceAccounts } from '../api/allocation-router';
import { allocationFromSkus } from '../licensing/allocation';
import { readStoredSkuCatalog } from '../replay/stored-sku-catalog';
import type { Store, StoredSubscription, TenantRecord, TenantStatus } from '../store/store';
import { tenantLabel } from '../tenants/tenant-names';
import type { WatchedTenants } from '../tenants/watched-tenants';

/**
 * A subscription is renewed half-way through its life (about 14 days of 29: subscription-manager.ts), so one that
 * expires within a day has missed several renewal rounds: worth a look before Graph stops notifying.
 */
export const EXPIRING_WITHIN_MS = 24 * 3_600_000;

/** `active`: a users subscription is active and not near its end; `expiring`: within a day; `missing`: none active. */
export type SubscriptionHealthState = 'active' | 'expiring' | 'missing';

export interface ConsoleTenantSubscriptions {
  health: SubscriptionHealthState;
  /** Active subscriptions. */
  active: number;
  /** The latest expiry of the active ones (the one that keeps notifications coming), null when none is active. */
  expiresAt: IsoTime | null;
  /** From `generatedAt`; negative once past. */
  expiresInMs: number | null;
}

/** The allocation's figures (glossary `Allocation`, without the per-SKU basis lines) and where they come from. */
export type ConsoleTenantAllocation = Omit<Allocation, 'basis'> & {
  resourceAccountsBasis: string;
  /** When ra-watch last read the tenant's subscribedSkus (the seats are as of then). */
  skusReadAt: IsoTime;
};

export interface ConsoleTenant {
  id: TenantId;
  displayName: string | null;
  defaultDomain: string | null;
  /** "Contoso Ltd (contoso.onmicrosoft.com)", or null while the names are unknown. */
  label: string | null;
  /** null: watched by configuration (the demo's tenants) and not in the registry. */
  status: TenantStatus | null;
  statusDetail: string | null;
  addedAt: IsoTime | null;
  checkedAt: IsoTime | null;
  openAlerts: Record<Severity, number>;
  /** null until ra-watch has read the tenant's subscribedSkus once. */
  allocation: ConsoleTenantAllocation | null;
  subscriptions: ConsoleTenantSubscriptions;
  /** The latest change notification any of its subscriptions received. */
  lastNotificationAt: IsoTime | null;
}

export interface ConsoleTenants {
  generatedAt: IsoTime;
  tenants: ConsoleTenant[];
}

export interface ConsoleTenantsDeps {
  store: Store;
  /** The live list of watched tenants: those not in the registry (the demo's) are listed too. */
  watched?: WatchedTenants;
  /** Watched tenants named at start (used when `watched` is absent). */
  tenantIds?: readonly TenantId[];
  /** ALLOCATION_COUNT_TEAMS_ROOMS. */
  countTeamsRooms?: boolean;
  now?: () => Date;
}

/** More open alerts than this is a tenant on fire; the counts then say "at least". */
const ALERT_LIMIT = 100_000;

/** Every tenant in the registry (removed ones too: they keep their data until purged) and every watched one. */
export async function listConsoleTenants(deps: ConsoleTenantsDeps): Promise<ConsoleTenants> {
  const now = (deps.now ?? (() => new Date()))();
  const [records, watched, open, subscriptions] = await Promise.all([
    deps.store.tenants.list(),
    watchedIds(deps),
    deps.store.alerts.list({ state: 'open', limit: ALERT_LIMIT }),
    deps.store.subscriptions.list(),
  ]);
  const byId = new Map(records.map((r) => [r.id, r]));
  const ids = [...new Set([...watched, ...records.map((r) => r.id)])];
  const counts = openBySeverity(open);
  const tenants = await Promise.all(
    ids.map(async (id): Promise<ConsoleTenant> =>
      consoleTenant(
        id,
        byId.get(id) ?? null,
        counts(id),
        subscriptions.filter((s) => s.tenantId.toLowerCase() === id),
        await allocationOf(deps, id),
        now,
      ),
    ),
  );
  return { generatedAt: now.toISOString(), tenants };
}

/** One tenant's row, or null when it is neither in the registry nor watched. */
export async function getConsoleTenant(
  deps: ConsoleTenantsDeps,
  id: TenantId,
): Promise<{ generatedAt: IsoTime; tenant: ConsoleTenant } | null> {
  const tenantId = id.toLowerCase();
  const now = (deps.now ?? (() => new Date()))();
  const [record, watched] = await Promise.all([deps.store.tenants.get(tenantId), watchedIds(deps)]);
  if (record === null && !watched.includes(tenantId)) return null;
  const [open, subscriptions, allocation] = await Promise.all([
    deps.store.alerts.list({ tenantId, state: 'open', limit: ALERT_LIMIT }),
    deps.store.subscriptions.list(tenantId),
    allocationOf(deps, tenantId),
  ]);
  return {
    generatedAt: now.toISOString(),
    tenant: consoleTenant(tenantId, record, openBySeverity(open)(tenantId), subscriptions, allocation, now),
  };
}

/** The watched tenants' ids, lower-case: the live list, else the ones named at start. */
async function watchedIds(deps: ConsoleTenantsDeps): Promise<TenantId[]> {
  const ids = deps.watched === undefined ? (deps.tenantIds ?? []) : await deps.watched.list();
  return ids.map((id) => id.toLowerCase());
}

/** Open alerts counted by tenant and severity; a tenant with none has zeros. */
function openBySeverity(open: readonly Alert[]): (tenantId: TenantId) => Record<Severity, number> {
  const counts = new Map<TenantId, Record<Severity, number>>();
  for (const alert of open) {
    const key = alert.tenantId.toLowerCase();
    const tally = counts.get(key) ?? { critical: 0, warning: 0, info: 0 };
    tally[alert.severity] += 1;
    counts.set(key, tally);
  }
  return (tenantId) => counts.get(tenantId) ?? { critical: 0, warning: 0, info: 0 };
}

function consoleTenant(
  id: TenantId,
  record: TenantRecord | null,
  openAlerts: Record<Severity, number>,
  subscriptions: StoredSubscription[],
  allocation: ConsoleTenantAllocation | null,
  now: Date,
): ConsoleTenant {
  const notified = subscriptions
    .map((s) => s.lastNotificationAt)
    .filter((at): at is string => at !== null)
    .sort();
  return {
    id,
    displayName: record?.displayName ?? null,
    defaultDomain: record?.defaultDomain ?? null,
    label: tenantLabel(record),
    status: record?.status ?? null,
    statusDetail: record?.statusDetail ?? null,
    addedAt: record?.addedAt ?? null,
    checkedAt: record?.checkedAt ?? null,
    openAlerts,
    allocation,
    subscriptions: subscriptionHealth(subscriptions, now),
    lastNotificationAt: notified.at(-1) ?? null,
  };
}

export function subscriptionHealth(
  subscriptions: readonly StoredSubscription[],
  now: Date,
): ConsoleTenantSubscriptions {
  const active = subscriptions.filter((s) => s.status === 'active');
  if (active.length === 0) return { health: 'missing', active: 0, expiresAt: null, expiresInMs: null };
  const latest = Math.max(...active.map((s) => Date.parse(s.expiresAt)));
  const expiresInMs = latest - now.getTime();
  return {
    health: expiresInMs <= EXPIRING_WITHIN_MS ? 'expiring' : 'active',
    active: active.length,
    expiresAt: new Date(latest).toISOString(),
    expiresInMs,
  };
}

async function allocationOf(
  deps: ConsoleTenantsDeps,
  tenantId: TenantId,
): Promise<ConsoleTenantAllocation | null> {
  const catalog = await readStoredSkuCatalog(deps.store, tenantId);
  if (catalog === null) return null;
  const accounts = await countKnownResourceAccounts(deps.store, tenantId);
  const allocation = allocationFromSkus(catalog.skus, accounts.count, {
    countTeamsRooms: deps.countTeamsRooms === true,
  });
  const { basis: _basis, ...figures } = allocation;
  return { ...figures, resourceAccountsBasis: accounts.basis, skusReadAt: catalog.recordedAt };
}
