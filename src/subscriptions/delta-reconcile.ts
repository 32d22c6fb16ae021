/**
 * The safety net under change notifications. It is not confirmed that a license change alone fires a `users`
 * notification (DOMAIN.md §5), notifications can be dropped (a throttled endpoint, a lapsed subscription, `missed`),
 * so a periodic `/users/delta` pass feeds every user that changed into the same pipeline (`user-changed`, source
 * `delta`, coalesced per user) and the same rules and alerts apply.
 *
 * Durability: the new deltaLink is stored only after every page's work is durably queued, so a crash mid-pass means
 * the next pass asks again from the old link (duplicates coalesce; nothing is skipped). A link Graph no longer knows
 * (410 / syncStateNotFound, after about 7 days) restarts as a full sync from null.
 */
import { perTenantJob } from '../background/per-tenant-job';
import { DeltaExpiredError, describeError } from '../errors';
import type { TenantId } from '../glossary';
import type { DeltaUser, GraphReader } from '../graph/graph-reader';
import type { Logger } from '../logger';
import type { OutgoingMessage, Queue } from '../queue/queue';
import { orderingKeyFor, type UserChanged } from '../queue/work-item';
import type { Store } from '../store/store';
import { snapshotsAgreeOnLicensing } from '../licensing/snapshot-agreement';
import type { WatchedTenants } from '../tenants/watched-tenants';

/** The `store.settings` key (per tenant) of the users deltaLink; the audit stores its link here too. */
export const USERS_DELTA_LINK_KEY = 'users-delta-link';

export interface DeltaPassResult {
  tenantId: TenantId;
  reason: string;
  /** True when the pass started from no link (first pass, or after a 410). */
  fullSync: boolean;
  /** The full sync was handed to the `fullSync` hook (the recorded audit) rather than queued user by user. */
  delegated: boolean;
  /** A stored link had expired and the pass restarted from null. */
  restartedAfterExpiry: boolean;
  pages: number;
  usersSeen: number;
  /** Work items sent (changed or removed users). */
  queued: number;
  /** Users whose licensing the stored snapshot already shows: nothing to do. */
  unchanged: number;
  deltaLinkStored: boolean;
}

export interface DeltaReconcilerOptions {
  /** Between periodic passes. Default 15 minutes. */
  intervalMs?: number;
  /** Tenants to reconcile besides those that have subscriptions (the configured tenant). */
  tenantIds?: TenantId[];
  /** This replica's name in the per-tenant `delta-reconcile` leases. Default host:pid:random. */
  holder?: string;
  /** The live list from the tenant registry (issue 19), read every round; used instead of `tenantIds`. */
  watched?: WatchedTenants;
}

/** The periodic pass's job name in `job_leases`: one replica reconciles a tenant per interval. */
export const RECONCILE_JOB = 'delta-reconcile';

export interface DeltaReconcilerDeps {
  store: Store;
  graph: GraphReader;
  queue: Queue;
  logger: Logger;
  now?: () => Date;
  options?: DeltaReconcilerOptions;
  /**
   * Runs a full sync another way: the recorded full-tenant audit, which evaluates every user from the delta pages
   * itself, queues only the accounts that matter and stores the deltaLink. Without it a full sync (first pass, or
   * after a 410) queues every user for the worker to read: 300k Graph reads on a large tenant.
   */
  fullSync?: (tenantId: TenantId, reason: string) => Promise<void>;
  /**
   * Told how each tenant's periodic pass went (error null: it worked, with its result), for `watch.blind` (issue 19),
   * from `runOnce` and from the background loop alike. Never fails a round.
   */
  onTenantPass?: (tenantId: TenantId, error: unknown, result: DeltaPassResult | null) => Promise<void>;
}

export interface DeltaReconciler {
  /** A pass now (serialised per tenant; a request during a pass runs one more pass after it). */
  resync(tenantId: TenantId, reason: string): Promise<DeltaPassResult>;
  /**
   * One round over every known tenant now, on this replica whatever the leases say (the periodic loop takes each
   * tenant's lease first); errors are logged per tenant.
   */
  runOnce(): Promise<DeltaPassResult[]>;
  start(): void;
  stop(): Promise<void>;
}

export function createDeltaReconciler(deps: DeltaReconcilerDeps): DeltaReconciler {
  const { store, graph, queue, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const intervalMs = deps.options?.intervalMs ?? 15 * 60_000;
  const running = new Map<TenantId, Promise<DeltaPassResult>>();
  const pending = new Map<TenantId, Promise<DeltaPassResult>>();

  const pass = async (tenantId: TenantId, reason: string): Promise<DeltaPassResult> => {
    // An empty value is a link dropped as dead (below): the same as none.
    const stored = (await store.settings.get(tenantId, USERS_DELTA_LINK_KEY)) || null;
    if (stored === null && deps.fullSync !== undefined) return delegate(tenantId, reason, false);
    try {
      return await followDelta(tenantId, reason, stored, false);
    } catch (error) {
      if (!(error instanceof DeltaExpiredError)) throw error;
      // Dropped before the full sync starts: if the sync fails, the next pass starts from null again rather than
      // sending the dead link back to Graph (issue 17 item 8). The reader counted it (ra_watch_graph_fallbacks_total).
      await store.settings.put(tenantId, USERS_DELTA_LINK_KEY, '');
      logger.warn(
        { tenantId, reason, err: error.message },
        'users delta link dead (4xx): dropped, starting a full sync',
      );
      if (deps.fullSync !== undefined) return delegate(tenantId, reason, true);
      return followDelta(tenantId, reason, null, true);
    }
  };

  const delegate = async (
    tenantId: TenantId,
    reason: string,
    restarted: boolean,
  ): Promise<DeltaPassResult> => {
    await deps.fullSync?.(tenantId, reason);
    const linked = ((await store.settings.get(tenantId, USERS_DELTA_LINK_KEY)) || null) !== null;
    return {
      tenantId,
      reason,
      fullSync: true,
      delegated: true,
      restartedAfterExpiry: restarted,
      pages: 0,
      usersSeen: 0,
      queued: 0,
      unchanged: 0,
      deltaLinkStored: linked,
    };
  };

  const followDelta = async (
    tenantId: TenantId,
    reason: string,
    start: string | null,
    restarted: boolean,
  ): Promise<DeltaPassResult> => {
    const result: DeltaPassResult = {
      tenantId,
      reason,
      fullSync: start === null,
      delegated: false,
      restartedAfterExpiry: restarted,
      pages: 0,
      usersSeen: 0,
      queued: 0,
      unchanged: 0,
      deltaLinkStored: false,
    };
    const receivedAt = now().toISOString();
    let link: string | null = start;
    for (;;) {
      const page = await graph.getUsersDeltaPage(tenantId, link);
      result.pages++;
      result.usersSeen += page.users.length;
      const messages: OutgoingMessage[] = [];
      for (const user of page.users) {
        if (await alreadyKnown(tenantId, user)) {
          result.unchanged++;
          continue;
        }
        messages.push(workFor(tenantId, user, receivedAt));
      }
      if (messages.length > 0) await queue.send(messages); // durable before we move past this page
      result.queued += messages.length;
      if (page.deltaLink !== null) {
        await store.settings.put(tenantId, USERS_DELTA_LINK_KEY, page.deltaLink);
        result.deltaLinkStored = true;
        return result;
      }
      if (page.nextLink === null) {
        // A page with neither link breaks Graph's contract; keep the old link so the next pass retries.
        logger.error(
          { tenantId, pages: result.pages },
          'users delta page carried neither nextLink nor deltaLink; delta link not advanced',
        );
        return result;
      }
      link = page.nextLink;
    }
  };

  /**
   * Delta reports every selected property of a changed user (a full sync: of every user); skip those whose licensing
   * the stored snapshot already shows, so a 410 on a 300k tenant does not become 300k Graph reads by the worker.
   */
  const alreadyKnown = async (tenantId: TenantId, user: DeltaUser): Promise<boolean> => {
    const userId = user.kind === 'user' ? user.snapshot.userId : user.userId;
    const known = await store.snapshots.get(tenantId, userId);
    if (known === null) return false;
    return user.kind === 'removed' ? known.deleted : snapshotsAgreeOnLicensing(known, user.snapshot);
  };

  const resync: DeltaReconciler['resync'] = (tenantId, reason) => {
    const queued = pending.get(tenantId);
    if (queued !== undefined) return queued; // one pass after the current one covers every request made during it
    const current = running.get(tenantId);
    const run = (): Promise<DeltaPassResult> => {
      pending.delete(tenantId);
      const p = pass(tenantId, reason).finally(() => {
        if (running.get(tenantId) === p) running.delete(tenantId);
      });
      running.set(tenantId, p);
      return p;
    };
    if (current === undefined) return run();
    const next = current.catch(() => undefined).then(run);
    pending.set(tenantId, next);
    return next;
  };

  const tenants = async (): Promise<TenantId[]> => {
    const fromSubscriptions = (await store.subscriptions.list()).map((s) => s.tenantId);
    const watched = deps.options?.watched;
    const listed = watched === undefined ? (deps.options?.tenantIds ?? []) : await watched.list();
    return [...new Set([...listed, ...fromSubscriptions])];
  };

  const tell = async (
    tenantId: TenantId,
    failure: unknown,
    result: DeltaPassResult | null,
  ): Promise<void> => {
    await deps
      .onTenantPass?.(tenantId, failure, result)
      .catch((error: unknown) =>
        logger.error({ tenantId, err: describeError(error) }, 'could not record how the tenant pass went'),
      );
  };
  /** A periodic pass, told to onTenantPass however it ends; its error is thrown on. */
  const periodicPass = async (tenantId: TenantId): Promise<DeltaPassResult> => {
    let result: DeltaPassResult;
    try {
      result = await resync(tenantId, 'periodic reconcile');
    } catch (error) {
      await tell(tenantId, error, null);
      throw error;
    }
    await tell(tenantId, null, result);
    return result;
  };

  const runOnce: DeltaReconciler['runOnce'] = async () => {
    const results: DeltaPassResult[] = [];
    for (const tenantId of await tenants()) {
      try {
        results.push(await periodicPass(tenantId));
      } catch (error) {
        logger.error(
          { tenantId, err: describeError(error) },
          'delta reconcile failed; the next round tries again from the stored link',
        );
      }
    }
    return results;
  };

  // The first pass of a tenant (no delta link) is its baseline audit (the fullSync hook): under the same lease.
  const loop = perTenantJob({
    job: RECONCILE_JOB,
    store,
    logger,
    now,
    intervalMs,
    ...(deps.options?.holder === undefined ? {} : { holder: deps.options.holder }),
    tenants,
    // Told like runOnce: before this the background rounds never reported to watch.blind, only runOnce did.
    run: periodicPass,
    runAtStart: true,
    // After the pass at start, each tenant at its own slot in the interval: 200 tenants' delta requests spread over
    // the 15 minutes rather than a walk of a few seconds at the start of each round (issue 19).
    stagger: true,
  });

  return {
    resync,
    runOnce,
    start: loop.start,
    stop: async () => {
      await loop.stop();
      await Promise.allSettled([...running.values(), ...pending.values()]);
    },
  };
}

function workFor(tenantId: TenantId, user: DeltaUser, receivedAt: string): OutgoingMessage {
  const userId = user.kind === 'user' ? user.snapshot.userId : user.userId;
  const body: UserChanged = {
    kind: 'user-changed',
    tenantId,
    userId,
    changeType: user.kind === 'removed' ? 'deleted' : 'reconcile',
    subscriptionId: null,
    receivedAt,
    source: 'delta',
  };
  return {
    messageId: `delta/${tenantId}/${userId}/${receivedAt}`,
    orderingKey: orderingKeyFor(tenantId, userId),
    body,
    coalesce: true,
  };
}
