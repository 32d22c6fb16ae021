/**
 * What the worker is built from (its ports, passed in by the composition root) and how it is tuned, with the
 * defaults in one place. Every worker file takes the resolved `WorkerContext`; none reaches for a singleton.
 */
import { scheduleProblem } from '../config/duration-list';
import { variables } from '../config/variables';
import type { Routing, TenantId, UserId } from '../glossary';
import type { GraphReader } from '../graph/graph-reader';
import type { Logger } from '../logger';
import type { Queue } from '../queue/queue';
import type { LifecycleWork } from '../queue/work-item';
import type { Store } from '../store/store';
import type { Application } from '../identification/identify-resource-account';
import type { SubscriptionActivity } from './subscription-activity';

export interface WorkerDeps {
  queue: Queue;
  store: Store;
  graph: GraphReader;
  logger: Logger;
  /** Which sinks an alert change goes to (written to the outbox with it). */
  routing: Routing;
  now?: () => Date;
  /** Subscription lifecycle events (reauthorize, recreate, resync) belong to the subscriptions module. */
  onLifecycle?: (item: LifecycleWork) => Promise<void>;
  /**
   * DOMAIN.md §4 source 2: the application instance (auto attendant / call queue) an account is bound to, when the
   * deployment has a way to know it (Teams PowerShell export, configuration). Omitted: that source is skipped.
   */
  applicationInstanceOf?: (
    tenantId: TenantId,
    userId: UserId,
  ) => Promise<Exclude<Application, 'unknown'> | null>;
}

export interface WorkerOptions {
  /**
   * Batches processed at the same time by `start()`: default 3 on a queue that can leave tenants out
   * (`Queue.filtersByTenant`, the embedded queue), where one tenant holds at most all of them but one
   * (tenant-loop-share.ts): a lone storm runs on two, the third is kept for the other tenants' changes. Default 2
   * elsewhere (Service Bus, where a tenant's 32 sessions cap its share).
   */
  concurrency?: number;
  /** Messages leased per batch, which is also the users read per Graph `$batch` call (at most 20; default 20). */
  batchSize?: number;
  /**
   * Graph reads in flight at once, all batches together, at most half of them for one tenant
   * (tenant-fair-semaphore.ts: one tenant's storm or throttle never takes every slot; default 8).
   */
  graphConcurrency?: number;
  /** Lease length; renewed while the work runs (default 60 s). */
  leaseMs?: number;
  /** Pause between polls when the queue is empty (default 250 ms). */
  pollMs?: number;
  /**
   * During a burst (each message of the lease enqueued within this long of its tenant's newest in the loop's
   * previous batch), a lease that came back short of `batchSize` waits this long and tops the batch up before
   * reading Graph: twenty users per `$batch` call instead of the three or four that happened to be ready (default
   * 100 ms). A lone change after a quiet spell, or another tenant's beside a burst, is never held back.
   */
  gatherMs?: number;
  /**
   * When the swap follow-up reads the directory audit log, in ms after the read that saw the change, rising; the
   * last entry is the last read (default SWAP_AUDIT_SCHEDULE's, 30 s up to 50 min). Records arrive p95 2 min, p99
   * 5 min late, so the reads are close together early and back off; they stop once the records explain the change.
   */
  swapAuditScheduleMs?: readonly number[];
  /**
   * When the members a group notification names are read again, in ms after the notification is handled
   * (default GROUP_LICENSE_RECHECK_SCHEDULE's, 1, 5 and 15 min): group-based licensing applies in the background,
   * after the membership change. Empty: only the read at once.
   */
  groupLicenseRecheckMs?: readonly number[];
  /** Audit window opened this long before the last snapshot, to see an add-first swap's first step (default 24 h). */
  swapLookbackMs?: number;
  /** First retry delay for an unexpected failure; doubles per delivery, with jitter (default 1 s). */
  retryBaseMs?: number;
  /** Cap on that delay (default 5 min). */
  retryMaxMs?: number;
  /** Tenant allocation evaluated at most once per this window per tenant, however many changes (default 2 s). */
  tenantDebounceMs?: number;
  /** How long a Teams userConfiguration answer is trusted before asking again (default 6 h). */
  identificationTtlMs?: number;
  /**
   * Whether Graph's cloud offers directory audits (config/national-clouds.ts `auditLogAvailable`; 21Vianet does not).
   * false: the swap follow-up decides from the snapshots at once and says so in the alert. Default true.
   */
  auditLogAvailable?: boolean;
  /** ALLOCATION_COUNT_TEAMS_ROOMS: Teams Rooms SKUs count toward the free allocation. Default false. */
  allocationCountsTeamsRooms?: boolean;
}

/** The one default of each schedule is its variable's (config/variables.ts), read the way the loader reads it. */
const DEFAULT_SWAP_AUDIT_SCHEDULE_MS = variables.SWAP_AUDIT_SCHEDULE.schema.parse(
  variables.SWAP_AUDIT_SCHEDULE.default,
);
const DEFAULT_GROUP_LICENSE_RECHECK_MS = variables.GROUP_LICENSE_RECHECK_SCHEDULE.schema.parse(
  variables.GROUP_LICENSE_RECHECK_SCHEDULE.default,
);

/** Graph's JSON `$batch` takes at most 20 requests. */
export const MAX_BATCH_SIZE = 20;

export type WorkerSettings = Required<WorkerOptions>;

export interface WorkerContext {
  queue: Queue;
  store: Store;
  graph: GraphReader;
  logger: Logger;
  routing: WorkerDeps['routing'];
  now: () => Date;
  onLifecycle: WorkerDeps['onLifecycle'];
  applicationInstanceOf: WorkerDeps['applicationInstanceOf'];
  settings: WorkerSettings;
  /** Ask for a (debounced) tenant allocation evaluation. */
  requestTenantEvaluation(tenantId: TenantId): void;
  /** Record that these subscriptions delivered notifications (throttled). */
  noteSubscriptionActivity?: SubscriptionActivity;
}

/**
 * `queueFiltersByTenant`: the queue leaves tenants out (`Queue.filtersByTenant`), so four loops, a tenant at most two
 * of them (tenant-loop-share.ts): one tenant alone runs on two, as with Service Bus's two unshared loops.
 */
export function resolveSettings(options: WorkerOptions = {}, queueFiltersByTenant = false): WorkerSettings {
  const settings: WorkerSettings = {
    concurrency: options.concurrency ?? (queueFiltersByTenant ? 4 : 2),
    batchSize: options.batchSize ?? MAX_BATCH_SIZE,
    graphConcurrency: options.graphConcurrency ?? 8,
    leaseMs: options.leaseMs ?? 60_000,
    pollMs: options.pollMs ?? 250,
    gatherMs: options.gatherMs ?? 100,
    swapAuditScheduleMs: options.swapAuditScheduleMs ?? DEFAULT_SWAP_AUDIT_SCHEDULE_MS,
    groupLicenseRecheckMs: options.groupLicenseRecheckMs ?? DEFAULT_GROUP_LICENSE_RECHECK_MS,
    swapLookbackMs: options.swapLookbackMs ?? 24 * 3_600_000,
    retryBaseMs: options.retryBaseMs ?? 1_000,
    retryMaxMs: options.retryMaxMs ?? 5 * 60_000,
    tenantDebounceMs: options.tenantDebounceMs ?? 2_000,
    identificationTtlMs: options.identificationTtlMs ?? 6 * 3_600_000,
    auditLogAvailable: options.auditLogAvailable ?? true,
    allocationCountsTeamsRooms: options.allocationCountsTeamsRooms ?? false,
  };
  requireWhole('concurrency', settings.concurrency, 1);
  requireWhole('batchSize', settings.batchSize, 1);
  requireWhole('graphConcurrency', settings.graphConcurrency, 1);
  if (settings.batchSize > MAX_BATCH_SIZE) {
    throw new RangeError(
      `batchSize must be at most ${MAX_BATCH_SIZE} (Graph's $batch limit), got ${settings.batchSize}`,
    );
  }
  requireWhole('leaseMs', settings.leaseMs, 1);
  requireSchedule('swapAuditScheduleMs', settings.swapAuditScheduleMs, 1);
  requireSchedule('groupLicenseRecheckMs', settings.groupLicenseRecheckMs, 0);
  for (const key of [
    'pollMs',
    'gatherMs',
    'swapLookbackMs',
    'retryBaseMs',
    'retryMaxMs',
    'tenantDebounceMs',
    'identificationTtlMs',
  ] as const) {
    requireWhole(key, settings[key], 0);
  }
  return settings;
}

function requireSchedule(name: string, schedule: readonly number[], minEntries: number): void {
  const problem = schedule.length === 0 && minEntries === 0 ? null : scheduleProblem(schedule, Infinity);
  if (problem !== null) {
    throw new RangeError(`worker option ${name} ${problem}, got [${schedule.join(', ')}]`);
  }
}

function requireWhole(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(
      `worker option ${name} must be a whole number of at least ${min}, got ${String(value)}`,
    );
  }
}
