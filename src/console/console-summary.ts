/**
 * The console overview's numbers in one answer: open alerts by severity, the queue's depth, the dead letters, and
 * each Graph subscription's health (expiry countdown, last notification). The pieces exist in the API already, but
 * the overview polls every few seconds, and one small read beats five list calls each returning whole objects.
 */
import type { IsoTime, Severity, TenantId } from '../glossary';
import type { Queue, QueueStats } from '../queue/queue';
import type { Store, StoredSubscription } from '../store/store';
import type { WatchedTenants } from '../tenants/watched-tenants';
import { tenantLabel } from '../tenants/tenant-names';

export interface SubscriptionHealth {
  id: string;
  tenantId: TenantId;
  resource: string;
  status: StoredSubscription['status'];
  expiresAt: IsoTime;
  /** Negative once expired. The client counts down from this and `generatedAt`, not from its own clock's idea of expiresAt. */
  expiresInMs: number;
  lastNotificationAt: IsoTime | null;
  lastRenewedAt: IsoTime | null;
}

export interface ConsoleSummary {
  generatedAt: IsoTime;
  /** The tenants ra-watch watches (configured first), plus any that have subscriptions or alerts. */
  tenants: TenantId[];
  /** The configured tenant: the one `/api/allocation` and the registry default to. */
  defaultTenantId: TenantId | null;
  /** "Contoso Ltd (contoso.onmicrosoft.com)" per tenant whose names the registry knows (issue 19). */
  tenantLabels: Record<TenantId, string>;
  /** The tenant the alert counts are for, or null for all tenants. */
  tenantId: TenantId | null;
  openAlerts: { total: number; bySeverity: Record<Severity, number>; acknowledged: number; snoozed: number };
  queue: QueueStats;
  deadLetters: number;
  subscriptions: SubscriptionHealth[];
}

export interface ConsoleSummaryDeps {
  store: Store;
  queue: Queue;
  /** Watched tenants, configured first (App.tenantIds). */
  tenantIds?: readonly TenantId[];
  /** The live list (issue 19): tenants added since start are listed too. */
  watched?: WatchedTenants;
  now?: () => Date;
}

/** More open alerts than this is a tenant on fire; the counts then say "at least". */
const ALERT_LIMIT = 10_000;

export async function buildConsoleSummary(
  deps: ConsoleSummaryDeps,
  tenantId: TenantId | null,
): Promise<ConsoleSummary> {
  const now = (deps.now ?? (() => new Date()))();
  const [open, stats, subscriptions] = await Promise.all([
    deps.store.alerts.list({ state: 'open', limit: ALERT_LIMIT, ...(tenantId === null ? {} : { tenantId }) }),
    deps.queue.stats(),
    deps.store.subscriptions.list(tenantId ?? undefined),
  ]);
  const bySeverity: Record<Severity, number> = { critical: 0, warning: 0, info: 0 };
  let acknowledged = 0;
  let snoozed = 0;
  for (const alert of open) {
    bySeverity[alert.severity] += 1;
    if (alert.acknowledgedAt !== null) acknowledged += 1;
    if (alert.snoozedUntil !== null && Date.parse(alert.snoozedUntil) > now.getTime()) snoozed += 1;
  }
  const configured = deps.watched === undefined ? (deps.tenantIds ?? []) : await deps.watched.list();
  const tenants = [
    ...new Set([...configured, ...subscriptions.map((s) => s.tenantId), ...open.map((a) => a.tenantId)]),
  ];
  const tenantLabels: Record<TenantId, string> = {};
  for (const record of await deps.store.tenants.list()) {
    const label = tenantLabel(record);
    if (label !== null && tenants.includes(record.id)) tenantLabels[record.id] = label;
  }
  return {
    generatedAt: now.toISOString(),
    tenants,
    defaultTenantId: configured[0] ?? null,
    tenantLabels,
    tenantId,
    openAlerts: { total: open.length, bySeverity, acknowledged, snoozed },
    queue: stats,
    deadLetters: stats.deadLettered,
    subscriptions: subscriptions.map((s) => ({
      id: s.id,
      tenantId: s.tenantId,
      resource: s.resource,
      status: s.status,
      expiresAt: s.expiresAt,
      expiresInMs: Date.parse(s.expiresAt) - now.getTime(),
      lastNotificationAt: s.lastNotificationAt,
      lastRenewedAt: s.lastRenewedAt,
    })),
  };
}
