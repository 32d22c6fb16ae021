/**
 * The daily digest, scheduled: open alerts and the allocation once a day per tenant, to every configured sink.
 * Info findings (the allocation) route only to the log and this digest, so a cost note never pages anyone.
 * The loop looks `intervalMs` after each look (default hourly); `sendDigest` remembers the day it sent, so several replicas or
 * restarts send one digest a day, not one each.
 */
import type { TenantId } from '../glossary';
import type { GraphReader } from '../graph/graph-reader';
import type { Logger } from '../logger';
import type { Store } from '../store/store';
import { readTenantAllocation } from '../licensing/read-tenant-allocation';
import { describeError } from '../errors';
import { perTenantJob } from '../background/per-tenant-job';
import type { AlertSink } from './alert-sink';
import { sendDigest } from './daily-digest';
import type { WatchedTenants } from '../tenants/watched-tenants';

export interface DigestLoopDeps {
  store: Store;
  graph: GraphReader;
  sinks: Map<string, AlertSink>;
  /** Which sinks get a tenant's digest (the routes, issue 19); absent: every sink that takes digests. */
  digestSinksFor?: (tenantId: TenantId) => string[];
  logger: Logger;
  tenantIds: readonly TenantId[];
  /** ALLOCATION_COUNT_TEAMS_ROOMS, for the digest's allocation. */
  countTeamsRooms?: boolean;
  /** The live list (issue 19): read each round, so an added tenant gets its digest; replaces `tenantIds`. */
  watched?: WatchedTenants;
  publicBaseUrl: string | null;
  now?: () => Date;
  /** How often to check whether today's digest is due (default 1 h). */
  intervalMs?: number;
  /** The UTC hour from which today's digest may go out (default 8). */
  hourUtc?: number;
  /** This replica's name in the per-tenant `daily-digest` leases. Default host:pid:random. */
  holder?: string;
}

/** The loop's job name in `job_leases`: one replica looks at a tenant's digest per interval. */
export const DIGEST_JOB = 'daily-digest';

export interface DigestLoop {
  runOnce(): Promise<void>;
  start(): void;
  stop(): Promise<void>;
}

export function createDigestLoop(deps: DigestLoopDeps): DigestLoop {
  const now = deps.now ?? (() => new Date());
  const hourUtc = deps.hourUtc ?? 8;

  const digestFor = async (tenantId: TenantId, at: Date): Promise<void> => {
    // The allocation is part of the digest when Graph answers; a digest of open alerts is still worth sending.
    let allocation = null;
    try {
      allocation = await readTenantAllocation(deps, tenantId);
    } catch (error) {
      deps.logger.warn(
        { tenantId, err: describeError(error) },
        'daily digest: the allocation could not be read; sending open alerts only',
      );
    }
    const result = await sendDigest(deps, {
      tenantId,
      at,
      allocation,
      publicBaseUrl: deps.publicBaseUrl,
      ...(deps.digestSinksFor === undefined ? {} : { sinkNames: deps.digestSinksFor(tenantId) }),
    });
    if (result.sent) deps.logger.info({ tenantId, results: result.results }, 'daily digest sent');
  };

  const runOnce = async (): Promise<void> => {
    const at = now();
    if (at.getUTCHours() < hourUtc) return;
    for (const tenantId of deps.watched === undefined ? deps.tenantIds : await deps.watched.list()) {
      await digestFor(tenantId, at).catch((error: unknown) =>
        deps.logger.error({ tenantId, err: describeError(error) }, 'daily digest failed'),
      );
    }
  };

  // Per tenant across replicas (background/per-tenant-job.ts): the day's mark in sendDigest stops a second digest
  // that day; the lease stops two replicas building the same digest at the same moment.
  const loop = perTenantJob({
    job: DIGEST_JOB,
    store: deps.store,
    logger: deps.logger,
    now,
    intervalMs: deps.intervalMs ?? 60 * 60 * 1000,
    ...(deps.holder === undefined ? {} : { holder: deps.holder }),
    tenants: () => deps.tenantIds,
    run: async (tenantId) => {
      const at = now();
      if (at.getUTCHours() >= hourUtc) await digestFor(tenantId, at);
    },
  });
  return { runOnce, start: loop.start, stop: loop.stop };
}
