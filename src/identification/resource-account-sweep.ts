/**
 * Every resource account Teams knows, found even when nothing ever pointed at it (issue 17 item 2). The worker and
 * the audit ask Teams only about candidates (disabled accounts, the application-instance department, holders of the
 * RA license): an *enabled*, unlicensed resource account in any department, never notified, matches none of those,
 * and its auto attendant or call queue is silently broken. The sweep lists Teams' own view
 * (`accountType eq 'resourceAccount'`), records each account it lists as a resource account identified by Teams, and
 * queues the ones the cache did not know as such for the worker, whose rules then alert. Run on a schedule (hourly by
 * default, `RESOURCE_ACCOUNT_SWEEP_MINUTES`, once per tenant across replicas) and after a `missed` lifecycle event; the baseline audit uses the
 * same listing (tenant-audit.ts).
 *
 * The registry still wins: an admin's "not a resource account" is never overwritten.
 */
import type { Periodic } from '../background/periodic';
import { perTenantJob } from '../background/per-tenant-job';
import type { TenantId, UserId } from '../glossary';
import type { GraphReader } from '../graph/graph-reader';
import type { Logger } from '../logger';
import type { Queue } from '../queue/queue';
import { orderingKeyFor, type UserChanged } from '../queue/work-item';
import type { Store } from '../store/store';

export const DEFAULT_SWEEP_INTERVAL_MS = 3_600_000;

export interface ResourceAccountSweepDeps {
  store: Pick<Store, 'registry' | 'identifications'>;
  graph: Pick<GraphReader, 'listTeamsResourceAccounts'>;
  queue: Pick<Queue, 'send'>;
  logger: Logger;
  now?: () => Date;
}

export interface SweepResult {
  tenantId: TenantId;
  /** Resource accounts Teams listed. */
  listed: number;
  /** Those the cache did not know as resource accounts: recorded and queued for the worker. */
  found: UserId[];
}

export type ResourceAccountSweep = (tenantId: TenantId, reason: string) => Promise<SweepResult>;

export function createResourceAccountSweep(deps: ResourceAccountSweepDeps): ResourceAccountSweep {
  const { store, graph, queue, logger } = deps;
  const now = deps.now ?? (() => new Date());
  return async (tenantId, reason) => {
    const listed = await graph.listTeamsResourceAccounts(tenantId);
    const at = now().toISOString();
    const found: UserId[] = [];
    for (const config of listed) {
      const userId = config.userId;
      if ((await store.registry.get(tenantId, userId)) !== null) continue;
      const previous = await store.identifications.get(tenantId, userId);
      if (previous?.isResourceAccount === true) continue;
      await store.identifications.put({
        tenantId,
        userId,
        isResourceAccount: true,
        identifiedBy: 'teams-user-configuration',
        detail: `accountType=${config.accountType} (Teams' list of resource accounts)`,
        application: previous?.application ?? 'unknown',
        checkedAt: at,
      });
      found.push(userId);
    }
    if (found.length > 0) {
      // The worker reads each account and runs the rules: an unlicensed one opens ra.unlicensed.
      await queue.send(
        found.map((userId) => {
          const body: UserChanged = {
            kind: 'user-changed',
            tenantId,
            userId,
            changeType: 'updated',
            subscriptionId: null,
            receivedAt: at,
            source: 'audit',
          };
          return {
            messageId: `ra-sweep/${tenantId}/${userId}/${at}`,
            orderingKey: orderingKeyFor(tenantId, userId),
            body,
            coalesce: true,
          };
        }),
      );
    }
    logger.info(
      { tenantId, reason, listed: listed.length, found: found.length },
      found.length > 0
        ? 'resource accounts found in Teams that were not known as such: queued for the rules'
        : 'resource account sweep: nothing new',
    );
    return { tenantId, listed: listed.length, found };
  };
}

/** The sweep on a schedule, over every configured tenant; a failing tenant is logged and the others go on. */
/**
 * The hourly sweep of every watched tenant, once per tenant per interval however many replicas run (a
 * `resource-account-sweep` lease per tenant, background/per-tenant-job.ts). A failed sweep is logged there and the
 * next round retries.
 */
export function createSweepLoop(args: {
  sweep: ResourceAccountSweep;
  store: Pick<Store, 'jobLeases'>;
  /** Read every round, so a tenant added through the registry is swept too. */
  tenants: () => Promise<readonly TenantId[]>;
  intervalMs: number;
  logger: Logger;
}): Periodic {
  return perTenantJob({
    job: 'resource-account-sweep',
    store: args.store,
    logger: args.logger,
    intervalMs: args.intervalMs,
    runAtStart: false, // the baseline audit lists the same at start
    // Each tenant at its own slot in the hour (issue 19): 200 tenants' listings spread over it, not sent in one walk.
    stagger: true,
    tenants: args.tenants,
    run: (tenantId) => args.sweep(tenantId, 'scheduled'),
  });
}
