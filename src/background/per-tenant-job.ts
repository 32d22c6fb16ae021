/**
 * A periodic job that runs once per tenant per interval however many replicas run (issue 21). Each round, for each
 * tenant, the replica first takes the job's lease for that tenant in the store (`job_leases`, one conditional
 * upsert); only the replica that took it runs the job for that tenant, the others skip it. So:
 *
 * - the work spreads: each replica walks the tenants from a random place, so replicas started together take
 *   different tenants first;
 * - a lease is held for the interval (from the end of the run: the lease is moved there when the run finishes), so
 *   a replica whose loop comes round earlier skips a tenant another has just done;
 * - a lease is taken only once it has expired, even by its holder: once per interval, not a standing claim;
 * - when the holder dies its leases expire and the next replica to come round takes them over.
 *
 * A failed run keeps its lease until it expires (the next round is the retry, as in periodic.ts): a replica must
 * not hammer a failing Graph because another just failed. Built on periodic.ts, so it starts and stops the same way.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { describeError } from '../errors';
import type { Logger } from '../logger';
import type { Store } from '../store/store';
import { periodic, type Periodic } from './periodic';

export interface PerTenantJobOptions<T> {
  /** The lease's job name (`delta-reconcile`), also the loop's name in the logs. */
  job: string;
  store: Pick<Store, 'jobLeases'>;
  logger: Logger;
  /** This replica's name in the leases (default: replicaHolderId()). */
  holder?: string;
  /** The wait between rounds, and how long a tenant's lease is held after its run. */
  intervalMs: number;
  /** The tenants this round covers (the watched ones, those with subscriptions). */
  tenants: () => Promise<readonly string[]> | readonly string[];
  run: (tenantId: string) => Promise<T>;
  runAtStart?: boolean;
  now?: () => Date;
  describe?: (error: unknown) => string;
}

export interface PerTenantJob<T> extends Periodic {
  /** One round now: the results of the tenants this replica held (a tenant another replica holds is absent). */
  runOnce: () => Promise<Map<string, T>>;
}

/** Unique per process: a restarted replica is a new holder and waits for its old leases to expire. */
export function replicaHolderId(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

export function perTenantJob<T>(options: PerTenantJobOptions<T>): PerTenantJob<T> {
  const holder = options.holder ?? replicaHolderId();
  const now = options.now ?? (() => new Date());
  const describe = options.describe ?? describeError;
  const leaseUntil = (at: Date): string => new Date(at.getTime() + options.intervalMs).toISOString();

  const runFor = async (tenantId: string, results: Map<string, T>): Promise<void> => {
    const at = now();
    const lease = { job: options.job, tenantId, holder, expiresAt: leaseUntil(at) };
    if (!(await options.store.jobLeases.tryAcquire(lease, at.toISOString()))) return;
    try {
      results.set(tenantId, await options.run(tenantId));
    } catch (error) {
      options.logger.error(
        { tenantId, job: options.job, err: describe(error) },
        `${options.job} failed for the tenant; the next round tries again`,
      );
      return;
    }
    // Held for a whole interval after the run, so a replica coming round meanwhile skips the tenant.
    await options.store.jobLeases.extend({ ...lease, expiresAt: leaseUntil(now()) });
  };

  const runOnce = async (): Promise<Map<string, T>> => {
    const tenants = [...new Set(await options.tenants())];
    const results = new Map<string, T>();
    const start = Math.floor(Math.random() * tenants.length);
    for (let i = 0; i < tenants.length; i++) await runFor(tenants[(start + i) % tenants.length]!, results);
    return results;
  };

  const loop = periodic({
    name: `${options.job} round`,
    logger: options.logger,
    logFields: { job: options.job },
    intervalMs: options.intervalMs,
    run: runOnce,
    ...(options.runAtStart === undefined ? {} : { runAtStart: options.runAtStart }),
    describe,
  });
  return { start: loop.start, stop: loop.stop, runOnce };
}
