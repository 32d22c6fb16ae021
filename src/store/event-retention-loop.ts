/**
 * Event-log retention: once a day, events received more than `retentionDays` ago (EVENT_RETENTION_DAYS, default
 * 400: a year of post-incident replay and then some) are purged with their annotations. The only removal the
 * append-only log allows. Alerts and their history stay.
 */
import { periodic } from '../background/periodic';
import type { Logger } from '../logger';
import type { Store } from './store';

const DAY_MS = 24 * 60 * 60 * 1000;

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
}): RetentionLoop {
  const now = deps.now ?? (() => new Date());

  const runOnce = async (): Promise<number> => {
    const before = new Date(now().getTime() - deps.retentionDays * DAY_MS).toISOString();
    const purged = await deps.store.events.purgeReceivedBefore(before);
    if (purged > 0)
      deps.logger.info({ purged, before, retentionDays: deps.retentionDays }, 'event log: old events purged');
    return purged;
  };

  const loop = periodic({
    name: 'event log retention',
    logger: deps.logger,
    intervalMs: deps.intervalMs ?? DAY_MS,
    run: runOnce,
    runAtStart: true,
  });
  return { runOnce, start: loop.start, stop: loop.stop };
}
