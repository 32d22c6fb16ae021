/**
 * Turns a batch of `user-changed` messages into per-message jobs that share their Graph reads: the users of one
 * tenant are read together (`getUsers`, one JSON `$batch` of up to 20), and the tenant's license catalog once.
 * Under a burst of notifications this is what keeps Graph requests per processed user far below one.
 *
 * A shared read that is throttled fails every job that waits on it; one that fails otherwise is retried per user, so
 * a user Graph cannot answer fails alone. Each message is then settled on its own (retried, or dead-lettered), so
 * one tenant's throttling never holds another tenant's users.
 */
import { RetryLaterError } from '../errors';
import type { TenantId, UserId, UserSnapshot } from '../glossary';
import { createLicenseCatalog, type LicenseCatalog } from '../licensing/license-catalog';
import type { LeasedMessage } from '../queue/queue';
import type { UserChanged } from '../queue/work-item';
import { observeUser } from './observe-user';
import type { WorkerContext } from './worker-context';

export interface Job {
  message: LeasedMessage;
  run(): Promise<void>;
}

export interface LeasedUserChange {
  message: LeasedMessage;
  item: UserChanged;
}

export function userChangeJobs(
  ctx: WorkerContext,
  changes: readonly LeasedUserChange[],
  catalogFor: (tenantId: TenantId) => Promise<LicenseCatalog>,
): Job[] {
  const byTenant = new Map<TenantId, LeasedUserChange[]>();
  for (const change of changes) {
    const list = byTenant.get(change.item.tenantId) ?? [];
    list.push(change);
    byTenant.set(change.item.tenantId, list);
  }

  const jobs: Job[] = [];
  for (const [tenantId, tenantChanges] of byTenant) {
    for (let i = 0; i < tenantChanges.length; i += ctx.settings.batchSize) {
      const chunk = tenantChanges.slice(i, i + ctx.settings.batchSize);
      const userIds = [...new Set(chunk.map((c) => c.item.userId))];
      // Through a promise chain: an adapter that throws synchronously fails the jobs, not the whole batch.
      const read = Promise.resolve().then(() => ctx.graph.getUsers(tenantId, userIds));
      // Every job awaits `read`; this branch only keeps a rejection from being reported as unhandled before they do.
      read.catch(() => undefined);
      for (const { message, item } of chunk) {
        jobs.push({
          message,
          run: async () => {
            const snapshot = pick(await readOrAlone(ctx, read, tenantId, item.userId), item.userId);
            if (snapshot === undefined) {
              throw new Error(
                `Graph's batch answer has no entry for user ${item.userId}; reading it again later`,
              );
            }
            await observeUser(ctx, { item, message, snapshot, catalog: await catalogFor(tenantId) });
          },
        });
      }
    }
  }
  return jobs;
}

/**
 * The shared read, or, when it failed for a reason other than throttling, this user read alone: one user Graph
 * cannot answer (a 500 on its item that outlasted the retries) must not take its batch-mates to the dead letters.
 * Throttling is the tenant's state, not the user's: every job then waits as Graph asked.
 */
async function readOrAlone(
  ctx: WorkerContext,
  read: Promise<Map<UserId, UserSnapshot>>,
  tenantId: TenantId,
  userId: UserId,
): Promise<Map<UserId, UserSnapshot>> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof RetryLaterError) throw error;
    return new Map([[userId, await ctx.graph.getUser(tenantId, userId)]]);
  }
}

/** One catalog per tenant per batch: the adapter caches subscribedSkus, this saves even the cache lookups. */
export function catalogCache(ctx: WorkerContext): (tenantId: TenantId) => Promise<LicenseCatalog> {
  const catalogs = new Map<TenantId, Promise<LicenseCatalog>>();
  return (tenantId) => {
    let catalog = catalogs.get(tenantId);
    if (catalog === undefined) {
      catalog = Promise.resolve()
        .then(() => ctx.graph.getSubscribedSkus(tenantId))
        .then(createLicenseCatalog);
      // A failed read is not kept: the next message asks again.
      catalog.catch(() => catalogs.delete(tenantId));
      catalogs.set(tenantId, catalog);
    }
    return catalog;
  };
}

/** Graph spells GUIDs in lower case, a work item may not: look up exactly first, then case-insensitively. */
function pick(users: Map<UserId, UserSnapshot>, userId: UserId): UserSnapshot | undefined {
  const exact = users.get(userId);
  if (exact !== undefined) return exact;
  const wanted = userId.toLowerCase();
  for (const [id, snapshot] of users) if (id.toLowerCase() === wanted) return snapshot;
  return undefined;
}
