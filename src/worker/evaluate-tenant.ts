/**
 * The tenant-level rules (free allocation exceeded / unclaimed), evaluated after changes that can move them: a
 * resource account identified or lost, Standard or the RA license on one coming or going.
 *
 * Debounced in-process: a burst of a thousand changes asks a thousand times and is evaluated once per window per
 * tenant (it reads subscribedSkus and counts resource accounts, the same answer a thousand times over). The cost of
 * doing this in memory rather than through the queue: a crash inside the window loses that one evaluation until the
 * next change or audit, which is a late "info/warning" about seats, never a lost account alert.
 */
import { describeError } from '../errors';
import type { TenantId } from '../glossary';
import { readTenantAllocation } from '../licensing/read-tenant-allocation';
import { TENANT_RULES, evaluateTenant } from '../rules/evaluate';
import type { ObservationResult } from '../store/store';
import type { WorkerContext } from './worker-context';

type TenantEvaluationContext = Pick<
  WorkerContext,
  'store' | 'graph' | 'logger' | 'routing' | 'now' | 'settings'
>;

/** Evaluate the allocation rules for one tenant now and record the verdict (opening or resolving alerts). */
export async function evaluateTenantAllocation(
  ctx: TenantEvaluationContext,
  tenantId: TenantId,
): Promise<ObservationResult> {
  const allocation = await readTenantAllocation(
    { ...ctx, countTeamsRooms: ctx.settings.allocationCountsTeamsRooms },
    tenantId,
  );
  const findings = evaluateTenant({ tenantId, allocation });
  const result = await ctx.store.recordObservation(
    { scope: { tenantId, userId: null, ruleIds: TENANT_RULES }, findings, at: ctx.now().toISOString() },
    ctx.routing,
  );
  ctx.logger.info(
    {
      tenantId,
      needed: allocation.needed,
      freeAllocation: allocation.freeAllocation,
      toBuy: allocation.toBuy,
      unclaimed: allocation.unclaimed,
      opened: result.opened.map((a) => a.ruleId),
      resolved: result.resolved.map((a) => a.ruleId),
    },
    'tenant allocation evaluated',
  );
  return result;
}

export interface TenantEvaluator {
  /** Ask for an evaluation of `tenantId`; requests within one window are coalesced. */
  request(tenantId: TenantId): void;
  /** While on (the worker loop runs), requests are evaluated by a timer; off, only `flush` evaluates them. */
  setAutomatic(on: boolean): void;
  /** Evaluate every requested tenant now; resolves when done (a failure is logged and the tenant kept pending). */
  flush(): Promise<void>;
}

export function createTenantEvaluator(ctx: TenantEvaluationContext, debounceMs: number): TenantEvaluator {
  const pending = new Set<TenantId>();
  let automatic = false;
  let timer: NodeJS.Timeout | null = null;
  let flushing: Promise<void> = Promise.resolve();

  const schedule = () => {
    if (!automatic || timer !== null || pending.size === 0) return;
    timer = setTimeout(() => {
      timer = null;
      void flush();
    }, debounceMs);
    timer.unref();
  };

  const evaluatePending = async () => {
    const tenants = [...pending];
    pending.clear();
    for (const tenantId of tenants) {
      try {
        await evaluateTenantAllocation(ctx, tenantId);
      } catch (error) {
        pending.add(tenantId);
        ctx.logger.error(
          { tenantId, err: error },
          `tenant allocation evaluation failed, will retry: ${describeError(error)}`,
        );
      }
    }
  };

  // One evaluation at a time: a flush called while another runs waits for it, then evaluates what came in meanwhile.
  const flush = (): Promise<void> => {
    if (timer !== null) {
      clearTimeout(timer);
      timer = null;
    }
    flushing = flushing.then(evaluatePending).finally(schedule);
    return flushing;
  };

  return {
    request(tenantId) {
      pending.add(tenantId);
      schedule();
    },
    setAutomatic(on) {
      automatic = on;
      if (!on && timer !== null) {
        clearTimeout(timer);
        timer = null;
      }
      schedule();
    },
    flush,
  };
}
