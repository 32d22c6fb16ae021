/**
 * The background loop that keeps subscriptions alive, once per tenant per interval across replicas. Several
 * replicas renewing the same subscription would each PATCH it (harmless) but also each recreate a lost one (not
 * harmless: duplicate subscriptions, duplicate notifications, quota used twice). So it is a per-tenant job
 * (background/per-tenant-job.ts): a replica renews a tenant's subscriptions only after taking that tenant's
 * `subscription-renewal` lease in the store; a holder that dies is replaced once its lease runs out.
 *
 * Staggered (issue 19): each tenant is looked at in its own slot of the interval, and the subscriptions' expiries
 * are spread at creation and renewal (subscription-manager.ts), so 200 tenants onboarded in a minute do not fall
 * due, and get renewed, in the same minute 14.5 days later.
 *
 * Every error is logged and the loop keeps going: a missed round is caught up by the next one.
 */
import { perTenantJob } from '../background/per-tenant-job';
import type { Logger } from '../logger';
import type { Store } from '../store/store';

/** The job's name in `job_leases`. */
export const RENEWAL_JOB = 'subscription-renewal';

export interface RenewalLoopDeps {
  store: Store;
  logger: Logger;
  now: () => Date;
  holderId: string;
  intervalMs: number;
  /** Renew what is due for one tenant. */
  work: (tenantId: string) => Promise<unknown>;
}

export interface RenewalLoop {
  start(): void;
  /** Stops scheduling and waits for a round in progress. */
  stop(): Promise<void>;
  /** One round now: the tenants this replica held the lease of (and so renewed). */
  runOnce(): Promise<string[]>;
}

export function createRenewalLoop(deps: RenewalLoopDeps): RenewalLoop {
  const job = perTenantJob({
    job: RENEWAL_JOB,
    store: deps.store,
    logger: deps.logger,
    holder: deps.holderId,
    now: deps.now,
    intervalMs: deps.intervalMs,
    // The tenants with a stored subscription: a tenant without one has nothing to renew.
    tenants: async () => (await deps.store.subscriptions.list()).map((s) => s.tenantId),
    run: deps.work,
    runAtStart: true, // a restarted process catches up before its first interval
    // Each tenant looked at in its own slot of the interval: due renewals of 200 tenants are not one walk of PATCHes.
    stagger: true,
  });
  return { start: job.start, stop: job.stop, runOnce: async () => [...(await job.runOnce()).keys()] };
}
