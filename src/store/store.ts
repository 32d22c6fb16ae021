/**
 * The store port: everything ra-watch keeps. One schema, two engines (SQLite by default, PostgreSQL for several
 * replicas), one query layer; the adapters live beside this file and no driver type leaves them.
 *
 * Every row carries a tenant id: an MSP runs many tenants in one install.
 * The event log is append-only: nothing here updates or deletes an event (retention aside).
 */
import type {
  Alert,
  AlertState,
  EvaluationScope,
  Finding,
  IdentificationSource,
  IsoTime,
  LicenseChange,
  OutboxKind,
  ResourceAccount,
  Routing,
  RuleId,
  Severity,
  TenantId,
  UserId,
  UserSnapshot,
} from '../glossary';

export type Engine = 'sqlite' | 'postgres';

/** Which alerts `alerts.list` returns, newest first (every field narrows; none: all of them). */
export interface AlertFilter {
  tenantId?: TenantId;
  state?: AlertState;
  userId?: UserId;
  severity?: Severity;
  ruleId?: RuleId;
  /** Part of the account's UPN or display name, any case. */
  search?: string;
  limit?: number;
}

/** A stored `LicenseChange` with its position in the log. */
export interface StoredEvent {
  /** Monotonic per store: replay and export page by it. */
  id: number;
  change: LicenseChange;
  recordedAt: IsoTime;
}

export interface EventQuery {
  tenantId?: TenantId;
  userId?: UserId;
  subscriptionId?: string;
  /** Inclusive lower bound on `receivedAt`. */
  from?: IsoTime;
  /** Exclusive upper bound on `receivedAt`. */
  to?: IsoTime;
  /** Keyset paging: events with id greater than this. */
  afterId?: number;
  limit?: number;
}

/** One observation of one account, written in a single transaction, so a crash leaves all of it or none. */
export interface Observation {
  /** The snapshot to keep as "last seen" (omitted when nothing was read, e.g. a tenant-level evaluation). */
  snapshot?: UserSnapshot;
  /** The change to append to the event log (omitted when the read found no change). */
  change?: LicenseChange;
  scope: EvaluationScope;
  findings: Finding[];
  at: IsoTime;
  /** Raised by a replay with deliver. */
  replayed?: boolean;
}

export interface ObservationResult {
  eventId: number | null;
  opened: Alert[];
  /** Found again while open: last seen and count updated, no new message. */
  stillOpen: Alert[];
  resolved: Alert[];
}

export type OutboxStatus = 'pending' | 'delivered' | 'dead';

/** A message an alert owes a sink. Written in the same transaction as the alert change. */
export interface OutboxEntry {
  id: string;
  tenantId: TenantId;
  alertId: string;
  kind: OutboxKind;
  /** `slack`, `email`, `log`... decided by routing when the entry is written. */
  sink: string;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: IsoTime;
  lastError: string | null;
  /** Stable across retries: a sink that supports it uses it to avoid double posts. */
  idempotencyKey: string;
  createdAt: IsoTime;
  deliveredAt: IsoTime | null;
}

/** An admin-maintained registry entry (DOMAIN.md §4 source 4: always wins). */
export interface RegistryEntry {
  tenantId: TenantId;
  userId: UserId;
  /** true: it is a resource account; false: the admin says it is *not* one (overrides conventions). */
  isResourceAccount: boolean;
  application: ResourceAccount['application'];
  note: string | null;
  updatedAt: IsoTime;
  updatedBy: string | null;
}

/** What ra-watch knows of a Graph subscription it created. */
export interface StoredSubscription {
  id: string;
  tenantId: TenantId;
  resource: string;
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  expiresAt: IsoTime;
  /** Which configured client state it uses (a name, never the secret itself). */
  clientStateRef: string;
  createdAt: IsoTime;
  lastRenewedAt: IsoTime | null;
  lastNotificationAt: IsoTime | null;
  status: 'active' | 'lapsed' | 'removed';
}

/** A cached identification result, so the worker does not ask Graph on every change. */
export interface IdentificationRecord {
  tenantId: TenantId;
  userId: UserId;
  isResourceAccount: boolean;
  identifiedBy: IdentificationSource | null;
  detail: string;
  application: ResourceAccount['application'];
  checkedAt: IsoTime;
}

/** How watching a tenant is going (issue 19). */
export type TenantStatus = 'active' | 'pending-consent' | 'blind' | 'removed';

/** A tenant in the registry: the names come from Graph's `GET /organization` (null until read). */
export interface TenantRecord {
  /** The directory (tenant) id, lower-case. */
  id: TenantId;
  displayName: string | null;
  /** The verified domain marked `isDefault`. */
  defaultDomain: string | null;
  status: TenantStatus;
  /** Why the status is what it is (the last check's finding), for people. */
  statusDetail: string | null;
  addedAt: IsoTime;
  /** Who added it: an API caller, `cli`, `AZURE_TENANT_ID`, `demo`. */
  addedBy: string | null;
  checkedAt: IsoTime | null;
  settings: Record<string, unknown>;
}

export interface Store {
  readonly engine: Engine;

  snapshots: {
    get(tenantId: TenantId, userId: UserId): Promise<UserSnapshot | null>;
    list(tenantId: TenantId, options?: { afterUserId?: UserId; limit?: number }): Promise<UserSnapshot[]>;
  };

  /** The append-only event log. Appends happen inside `recordObservation`. */
  events: {
    get(id: number): Promise<StoredEvent | null>;
    query(query: EventQuery): Promise<StoredEvent[]>;
    count(query: Omit<EventQuery, 'afterId' | 'limit'>): Promise<number>;
    /** Attach audit activities learned later (the swap follow-up) without rewriting the event. */
    annotate(id: number, note: { activities: LicenseChange['activities'] }): Promise<void>;
    /** Retention, the one removal the log allows: events received before `before` (with their annotations). */
    purgeReceivedBefore(before: IsoTime): Promise<number>;
  };

  /** Snapshot + event + alert changes + outbox entries, in one transaction. */
  recordObservation(observation: Observation, routing: Routing): Promise<ObservationResult>;

  alerts: {
    get(id: string): Promise<Alert | null>;
    list(filter: AlertFilter): Promise<Alert[]>;
    acknowledge(
      id: string,
      by: string,
      reason: string | null,
      snoozeUntil: IsoTime | null,
      at: IsoTime,
    ): Promise<Alert | null>;
  };

  outbox: {
    /** Lease up to `limit` entries due now (status pending, nextAttemptAt <= now) for `leaseMs`. */
    claimDue(now: IsoTime, limit: number, leaseMs: number): Promise<OutboxEntry[]>;
    markDelivered(id: string, at: IsoTime): Promise<void>;
    /** A summary's entries, delivered together: one statement per 500, not one commit each. */
    markAllDelivered(ids: readonly string[], at: IsoTime): Promise<void>;
    markRetry(id: string, error: string, nextAttemptAt: IsoTime): Promise<void>;
    markDead(id: string, error: string, at: IsoTime): Promise<void>;
    listForAlert(alertId: string): Promise<OutboxEntry[]>;
  };

  registry: {
    get(tenantId: TenantId, userId: UserId): Promise<RegistryEntry | null>;
    list(tenantId?: TenantId): Promise<RegistryEntry[]>;
    put(entry: RegistryEntry): Promise<void>;
    delete(tenantId: TenantId, userId: UserId): Promise<boolean>;
  };

  identifications: {
    get(tenantId: TenantId, userId: UserId): Promise<IdentificationRecord | null>;
    put(record: IdentificationRecord): Promise<void>;
    listResourceAccounts(tenantId: TenantId): Promise<IdentificationRecord[]>;
  };

  subscriptions: {
    upsert(subscription: StoredSubscription): Promise<void>;
    get(id: string): Promise<StoredSubscription | null>;
    list(tenantId?: TenantId): Promise<StoredSubscription[]>;
    delete(id: string): Promise<boolean>;
    touchNotification(id: string, at: IsoTime): Promise<void>;
  };

  /** Small durable values: delta links, audit cursors, the SKU cache, leader leases. */
  settings: {
    get(tenantId: TenantId, key: string): Promise<string | null>;
    put(tenantId: TenantId, key: string, value: string): Promise<void>;
    /** Stores `value` unless `key` has one already; returns the stored value (the first writer's, when two race). */
    putIfAbsent(tenantId: TenantId, key: string, value: string): Promise<string>;
    /** Compare-and-set lease (one replica renews subscriptions): true when `holder` now holds `name` until `until`. */
    tryLease(name: string, holder: string, until: IsoTime, now: IsoTime): Promise<boolean>;
  };

  /** Per-tenant job leases: one replica runs a periodic job for a tenant per interval (background/per-tenant-job.ts). */
  jobLeases: {
    /**
     * Takes the lease of `job` for `tenantId` until `expiresAt` when nobody holds it or its holder's lease has run out
     * by `now` (one conditional upsert: two replicas asking at once cannot both win). True when `holder` took it.
     */
    tryAcquire(lease: JobLease, now: IsoTime): Promise<boolean>;
    /** Moves the end of a lease `holder` still holds (after a run); false when another replica has taken it since. */
    extend(lease: JobLease): Promise<boolean>;
    list(job?: string): Promise<JobLease[]>;
  };
  /** The tenant registry (issue 19). */
  tenants: {
    get(id: TenantId): Promise<TenantRecord | null>;
    list(): Promise<TenantRecord[]>;
    put(tenant: TenantRecord): Promise<void>;
    delete(id: TenantId): Promise<boolean>;
    /** Deletes every stored row of the tenant but its registry entry; returns rows deleted per table. */
    purgeData(id: TenantId): Promise<Record<string, number>>;
  };

  /** Named alert channels (issue 19). */
  channels: {
    list(): Promise<StoredChannel[]>;
    get(name: string): Promise<StoredChannel | null>;
    /** Adds it; false when a channel of that name exists (nothing changed). */
    insert(channel: StoredChannel): Promise<boolean>;
    /** Replaces its sealed secrets (re-sealing under a new key); false when it is gone. */
    updateSecrets(name: string, sealedSecrets: string, updatedAt: IsoTime): Promise<boolean>;
    delete(name: string): Promise<boolean>;
  };
  /** Per-tenant alert routes (issue 19). */
  routes: {
    list(): Promise<StoredRoute[]>;
    insert(route: StoredRoute): Promise<void>;
    delete(id: string): Promise<boolean>;
  };

  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The kinds of named alert channel (issue 19): the same four as the environment's channels. */
export type ChannelKind = 'slack' | 'teams' | 'email' | 'webhook';

/** A named alert channel as stored: its secrets sealed (alerts/channels/channel-secrets.ts), never in plain text. */
export interface StoredChannel {
  /** Lower-case; its sink is `channel:<name>` in the outbox. */
  name: string;
  kind: ChannelKind;
  /** What may be shown of it: a URL's host, the e-mail recipients. */
  target: string;
  /** The sealed JSON of its secret settings (URL, signing secret); null when it has none. */
  sealedSecrets: string | null;
  /** Its settings that are not secret (recipients, digests). */
  settings: Record<string, unknown>;
  createdAt: IsoTime;
  createdBy: string | null;
  updatedAt: IsoTime;
}

/** Which tenants' alerts of which severities go to which channels (issue 19). */
export interface StoredRoute {
  id: string;
  /** Lower-case tenant ids; empty: every tenant. */
  tenantIds: TenantId[];
  severities: Severity[];
  /** Channel names. */
  channels: string[];
  /** Also send to the environment's channels (the default route). */
  alsoDefault: boolean;
  createdAt: IsoTime;
  createdBy: string | null;
}

export interface JobLease {
  job: string;
  /** The tenant the job runs for; ALL_TENANTS for install-wide jobs (retention). */
  tenantId: string;
  holder: string;
  expiresAt: IsoTime;
}

/** The tenant id of a job lease for work that is not per tenant (the event-log retention purges every tenant). */
export const ALL_TENANTS = '*';
