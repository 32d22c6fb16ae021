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
 *
 * Staggered (`stagger: true`, issue 19: the delta reconcile and the renewal check, which call Graph): instead of
 * one walk over every tenant at the start of each round, each tenant runs at its own slot in the interval
 * (tenant-slot.ts), so 200 tenants' requests spread over the 15 minutes instead of a burst of a few seconds. The
 * loop sleeps until the next tenant's slot (at most a minute or 1/60 of the interval, so a tenant added meanwhile is
 * picked up), and runs every tenant whose slot has come since it last looked: a slow run or a paused process delays
 * slots, never skips them. The lease then runs to the tenant's first slot at least half an interval away, so every replica agrees on
 * when it is next due: steady state one run per interval at the tenant's slot; after the pass at start (kept, so a
 * restarted or lone replica catches up at once) the second run comes between half and one and a half intervals
 * later, at the tenant's slot.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { describeError } from '../errors';
import type { Logger } from '../logger';
import type { Store } from '../store/store';
import { periodic, type Periodic } from './periodic';
import { tenantSlots } from './tenant-slot';

export interface PerTenantJobOptions<T> {
  /** The lease's job name (`delta-reconcile`), also the loop's name in the logs. */
  job: string;
  store: Pick<Store, 'jobLeases'>;
  logger: Logger;
  /** This replica's name in the leases (default: replicaHolderId()). */
  holder?: string;
  /**
   * The wait between rounds, and how long a tenant's lease is held after its run; staggered: the period of each
   * tenant's slot (its lease runs to its slot at least half of this after the run).
   */
  intervalMs: number;
  /** The tenants this round covers (the watched ones, those with subscriptions). */
  tenants: () => Promise<readonly string[]> | readonly string[];
  run: (tenantId: string) => Promise<T>;
  runAtStart?: boolean;
  /** Each tenant at its own slot in the interval (see above) rather than all at the start of a round. */
  stagger?: boolean;
  now?: () => Date;
  describe?: (error: unknown) => string;
}

export interface PerTenantJob<T> extends Periodic {
  /** One round now: the results of the tenants this replica held (a tenant another replica holds is absent). */
  runOnce: () => Promise<Map<string, T>>;
  /**
   * Staggered: the tenants whose slot has come since the last look (the first look: since the job was made), each
   * under its lease, in slot order. What the background loop runs each time it wakes; tests call it with their clock.
   */
  runDue: () => Promise<Map<string, T>>;
}

/**
 * The longest the staggered loop sleeps: a tenant added to the list is looked at within this. Also a sixtieth of
 * the interval at most: tenants added while it slept whose slots have passed all run at the next look, and a long
 * sleep would bunch them (200 tenants added in a minute, a sleep of a whole interval: one walk again).
 */
const MAX_WAKE_MS = 60_000;
const WAKES_PER_INTERVAL = 60;
const MIN_WAKE_MS = 10;

/** Unique per process: a restarted replica is a new holder and waits for its old leases to expire. */
export function replicaHolderId(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

export function perTenantJob<T>(options: PerTenantJobOptions<T>): PerTenantJob<T> {
  const holder = options.holder ?? replicaHolderId();
  const now = options.now ?? (() => new Date());
  const describe = options.describe ?? describeError;
  const slots = tenantSlots(options.job, options.intervalMs);
  const stagger = options.stagger === true;
  const leaseUntil = (tenantId: string, at: Date): string =>
    new Date(
      stagger
        ? slots.slotAtOrAfter(tenantId, at.getTime() + options.intervalMs / 2)
        : at.getTime() + options.intervalMs,
    ).toISOString();

  const runFor = async (tenantId: string, results: Map<string, T>): Promise<void> => {
    const at = now();
    const lease = { job: options.job, tenantId, holder, expiresAt: leaseUntil(tenantId, at) };
    if (!(await options.store.jobLeases.tryAcquire(lease, at.toISOString()))) return;
    try {
      results.set(tenantId, await options.run(tenantId));
    } catch (error) {
      // Kept apart: one tenant's failure is logged and the walk goes on to the next tenant.
      options.logger.error(
        { tenantId, job: options.job, err: describe(error) },
        `${options.job} failed for the tenant; the next round tries again`,
      );
      return;
    }
    // Held for a whole interval after the run (staggered: to the slot at least half an interval after it), so a
    // replica coming round meanwhile skips the tenant.
    await options.store.jobLeases.extend({ ...lease, expiresAt: leaseUntil(tenantId, now()) });
  };

  let known: string[] = [];
  const listTenants = async (): Promise<string[]> => (known = [...new Set(await options.tenants())]);

  const runOnce = async (): Promise<Map<string, T>> => {
    const tenants = await listTenants();
    const results = new Map<string, T>();
    const start = Math.floor(Math.random() * tenants.length);
    for (let i = 0; i < tenants.length; i++) await runFor(tenants[(start + i) % tenants.length]!, results);
    return results;
  };

  // Slots after this moment are still to run. Moved only once the tenant list was read, so a failed look is
  // retried over the same stretch of time.
  let lookedAt = now().getTime();
  const runDue = async (): Promise<Map<string, T>> => {
    const current = now().getTime();
    const tenants = await listTenants();
    const from = lookedAt;
    lookedAt = current;
    const due = tenants
      .map((tenantId) => ({ tenantId, slot: slots.slotAtOrBefore(tenantId, current) }))
      .filter((d) => d.slot > from)
      .sort((a, b) => a.slot - b.slot);
    const results = new Map<string, T>();
    for (const { tenantId, slot } of due) {
      try {
        await runFor(tenantId, results);
      } catch (error) {
        // The store failed (a run's own failure is caught in runFor): this tenant and the rest are looked at again
        // at the next wake-up rather than an interval later.
        lookedAt = Math.min(lookedAt, slot - 1);
        throw error;
      }
    }
    return results;
  };

  // At least MIN_WAKE_MS even for the tiny intervals of tests: a slot is then run at most that late.
  const longestSleep = Math.max(MIN_WAKE_MS, Math.min(options.intervalMs / WAKES_PER_INTERVAL, MAX_WAKE_MS));
  /** Until the next slot of a known tenant after the last look (at least MIN_WAKE_MS, at most longestSleep). */
  const untilNextSlot = (): number => {
    const cap = longestSleep;
    const next = Math.min(...known.map((t) => slots.slotAtOrBefore(t, lookedAt) + options.intervalMs));
    return Math.max(MIN_WAKE_MS, Math.min(cap, next - now().getTime()));
  };

  let first = true;
  const loop = stagger
    ? periodic<number>({
        name: `${options.job} slots`,
        logger: options.logger,
        logFields: { job: options.job },
        intervalMs: (wait) => wait ?? longestSleep,
        runAtStart: true,
        run: async () => {
          if (first && options.runAtStart === true) {
            lookedAt = now().getTime();
            await runOnce();
          } else await runDue();
          first = false;
          return untilNextSlot();
        },
        describe,
      })
    : periodic({
        name: `${options.job} round`,
        logger: options.logger,
        logFields: { job: options.job },
        intervalMs: options.intervalMs,
        run: runOnce,
        ...(options.runAtStart === undefined ? {} : { runAtStart: options.runAtStart }),
        describe,
      });
  return { start: loop.start, stop: loop.stop, runOnce, runDue };
}
