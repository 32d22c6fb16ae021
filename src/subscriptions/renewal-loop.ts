/**
 * The background loop that keeps subscriptions alive, run by exactly one replica at a time. Several replicas renewing
 * the same subscription would each PATCH it (harmless) but also each recreate a lost one (not harmless: duplicate
 * subscriptions, duplicate notifications, quota used twice). So each round first takes a compare-and-set lease in the
 * store; only the holder works, and a holder that dies is replaced once its lease runs out.
 *
 * Every error is logged and the loop keeps going: a missed round is caught up by the next one.
 */
import { periodic } from '../background/periodic';
import type { Logger } from '../logger';
import type { Store } from '../store/store';

export interface RenewalLoopDeps {
  store: Store;
  logger: Logger;
  now: () => Date;
  leaseName: string;
  holderId: string;
  intervalMs: number;
  leaseMs: number;
  work: () => Promise<unknown>;
}

export interface RenewalLoop {
  start(): void;
  /** Stops scheduling and waits for a round in progress. */
  stop(): Promise<void>;
  /** One round now (lease, then work); true when this replica held the lease. */
  runOnce(): Promise<boolean>;
}

export function createRenewalLoop(deps: RenewalLoopDeps): RenewalLoop {
  const runOnce = async (): Promise<boolean> => {
    const at = deps.now();
    const until = new Date(at.getTime() + deps.leaseMs).toISOString();
    const held = await deps.store.settings.tryLease(deps.leaseName, deps.holderId, until, at.toISOString());
    if (!held) return false;
    await deps.work();
    return true;
  };

  const loop = periodic({
    name: 'subscription renewal round',
    logger: deps.logger,
    logFields: { lease: deps.leaseName },
    intervalMs: deps.intervalMs,
    run: runOnce,
    runAtStart: true, // a restarted process catches up before its first interval
  });
  return { start: loop.start, stop: loop.stop, runOnce };
}
