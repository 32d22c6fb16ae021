/**
 * Event-log retention: once a day, events received more than `retentionDays` ago (EVENT_RETENTION_DAYS, default
 * 400: a year of post-incident replay and then some) are purged with their annotations. The only removal the
 * append-only log allows. Alerts and their history stay.
 */
import { perTenantJob } from '../background/per-tenant-job';
import type { Logger } from '../logger';
import { ALL_TENANTS, type Store } from './store';

const DAY_MS = 24 * 60 * 60 * 1000;
/** The loop's job name in `job_leases`; one lease for the whole install (the purge covers every tenant). */
export const RETENTION_JOB = 'event-retention';

export interface RetentionLoop {
  runOnce(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

export function createRetentionLoop(deps: {
  store: Store;
  logger: Logger;
  retentionDays: number;
  now?: () => Date;
  intervalMs?: number;
  /** This replica's name in the `event-retention` lease. Default host:pid:random. */
  holder?: string;
}): RetentionLoop {
  const now = deps.now ?? (() => new Date());

  const runOnce = async (): Promise<number> => {
    const before = new Date(now().getTime() - deps.retentionDays * DAY_MS).toISOString();
    const purged = await deps.store.events.purgeReceivedBefore(before);
    if (purged > 0)
      deps.logger.info({ purged, before, retentionDays: deps.retentionDays }, 'event log: old events purged');
    return purged;
  };

  // One replica purges per interval (background/per-tenant-job.ts), not every replica the same rows at once.
  const loop = perTenantJob({
    job: RETENTION_JOB,
    store: deps.store,
    logger: deps.logger,
    now,
    intervalMs: deps.intervalMs ?? DAY_MS,
    ...(deps.holder === undefined ? {} : { holder: deps.holder }),
    tenants: () => [ALL_TENANTS],
    run: runOnce,
    runAtStart: true,
  });
  return { runOnce, start: loop.start, stop: loop.stop };
}
