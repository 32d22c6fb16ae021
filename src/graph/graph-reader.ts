/**
 * The Graph reader port: the few questions the worker, the audit and the reconcile loop ask Microsoft Graph.
 * The real adapter (`graph/client/`) speaks to graph.microsoft.com (or a national cloud, or the simulator, which is
 * just another Graph endpoint); answers are validated against `wire-schemas.ts` and translated to glossary types.
 *
 * Errors: throttling that outlasts the client's retries surfaces as `RetryLaterError` (with Graph's Retry-After);
 * a response we cannot understand or a permission we lack surfaces as `PermanentError`. A missing user is not an
 * error: it is a snapshot with `deleted: true`.
 */
import type { IsoTime, LicenseActivity, SubscribedSku, TenantId, UserId, UserSnapshot } from '../glossary';

/** What Graph's Teams admin API says about a user (DOMAIN.md §4 source 1). */
export interface TeamsUserConfiguration {
  userId: UserId;
  /** `resourceAccount`, `user`, `guest`, ... */
  accountType: string;
  featureTypes: string[];
}

/** One user as a delta page reports it: a (partial) snapshot, or a removal. */
export type DeltaUser =
  { kind: 'user'; snapshot: UserSnapshot } | { kind: 'removed'; userId: UserId; reason: string };

export interface DeltaPage {
  users: DeltaUser[];
  /** Present on every page but the last. */
  nextLink: string | null;
  /** Present on the last page: keep it to ask "what changed since" next time. */
  deltaLink: string | null;
}

/** One account and window of the directory audit log. */
export interface LicenseActivityQuery {
  userId: UserId;
  from: IsoTime;
  to: IsoTime;
}

export interface GraphReader {
  getUser(tenantId: TenantId, userId: UserId): Promise<UserSnapshot>;
  /** Many users at once: JSON `$batch`, 20 per request; throttled items retried after their own Retry-After. */
  getUsers(tenantId: TenantId, userIds: readonly UserId[]): Promise<Map<UserId, UserSnapshot>>;
  /** The tenant's SKUs with their service plans. Adapters may cache; `fresh` bypasses the cache. */
  getSubscribedSkus(tenantId: TenantId, options?: { fresh?: boolean }): Promise<SubscribedSku[]>;
  /** null when the user has no Teams configuration, or the permission is missing (identification falls back). */
  getTeamsUserConfiguration(tenantId: TenantId, userId: UserId): Promise<TeamsUserConfiguration | null>;
  /**
   * Every user Teams reports as `accountType: resourceAccount` (the list endpoint, filtered by Graph or, when Graph
   * refuses the filter, here). Finds resource accounts no other source would ask about: enabled, unlicensed, any
   * department. A missing permission is a `PermanentError` (graph-forbidden).
   */
  listTeamsResourceAccounts(tenantId: TenantId): Promise<TeamsUserConfiguration[]>;
  /** License activities on one user in a window, from the directory audit log, paired by correlation id. */
  getLicenseActivities(
    tenantId: TenantId,
    userId: UserId,
    from: IsoTime,
    to: IsoTime,
  ): Promise<LicenseActivity[]>;
  /**
   * Several of those queries for one tenant at once (JSON `$batch`, 20 per request): each slot holds the activities
   * of the query in the same position, or the error that stopped that query alone. Optional: without it, the
   * worker asks `getLicenseActivities` once per query.
   */
  getLicenseActivitiesBatch?(
    tenantId: TenantId,
    queries: readonly LicenseActivityQuery[],
  ): Promise<Array<LicenseActivity[] | Error>>;
  /** One page of users delta: start with null (a full sync), then follow `nextLink`, then keep `deltaLink`.
   *  A link Graph no longer knows (410 / syncStateNotFound / resyncRequired) throws `DeltaExpiredError`. */
  getUsersDeltaPage(tenantId: TenantId, link: string | null): Promise<DeltaPage>;
}
