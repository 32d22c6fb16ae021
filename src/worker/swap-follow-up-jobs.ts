/**
 * The swap follow-ups of one leased batch, sharing their audit reads: a burst of swaps schedules its checks for the
 * same times, so many come due together. Each still makes exactly one query for its account and window, but the
 * queries of one tenant go out as one JSON `$batch` of up to 20 (`getLicenseActivitiesBatch`) instead of one
 * request each. Each message is settled on its own: a query that failed fails its job alone, and a throttled batch
 * fails the jobs that waited on it, to be redelivered later.
 */
import type { LicenseActivity, TenantId } from '../glossary';
import type { LeasedMessage } from '../queue/queue';
import type { SwapFollowUp } from '../queue/work-item';
import { decideSwapFollowUp, prepareSwapFollowUp, type PreparedSwapFollowUp } from './process-swap-follow-up';
import type { Job } from './read-changed-users';
import type { WorkerContext } from './worker-context';

export interface LeasedSwapFollowUp {
  message: LeasedMessage;
  item: SwapFollowUp;
}

type Prepared = { ok: true; prepared: PreparedSwapFollowUp | null } | { ok: false; error: unknown };

export function swapFollowUpJobs(ctx: WorkerContext, followUps: readonly LeasedSwapFollowUp[]): Job[] {
  const byTenant = new Map<TenantId, LeasedSwapFollowUp[]>();
  for (const followUp of followUps) {
    const list = byTenant.get(followUp.item.tenantId) ?? [];
    list.push(followUp);
    byTenant.set(followUp.item.tenantId, list);
  }
  const jobs: Job[] = [];
  for (const [tenantId, group] of byTenant) {
    const prepared: Promise<Prepared[]> = Promise.all(
      group.map(({ item }) =>
        prepareSwapFollowUp(ctx, item).then(
          (value): Prepared => ({ ok: true, prepared: value }),
          (error: unknown): Prepared => ({ ok: false, error }),
        ),
      ),
    );
    const reads = prepared.then((all) => readTogether(ctx, tenantId, all));
    // Every job awaits `reads`; this only keeps a rejection from being reported as unhandled before they do.
    reads.catch(() => undefined);
    group.forEach(({ message, item }, index) => {
      jobs.push({
        message,
        run: async () => {
          const mine = (await prepared)[index];
          if (mine === undefined) throw new Error('swap follow-up: lost its place in the batch');
          if (!mine.ok) throw mine.error;
          if (mine.prepared === null) return;
          const activities = (await reads).get(index);
          if (activities === undefined) throw new Error('swap follow-up: its audit read was not made');
          if (activities instanceof Error) throw activities;
          await decideSwapFollowUp(ctx, item, mine.prepared, activities);
        },
      });
    });
  }
  return jobs;
}

/** The audit reads of the prepared follow-ups, by their index in the group. */
async function readTogether(
  ctx: WorkerContext,
  tenantId: TenantId,
  all: readonly Prepared[],
): Promise<Map<number, LicenseActivity[] | Error>> {
  const wanted = all.flatMap((p, index) =>
    p.ok && p.prepared !== null ? [{ index, query: p.prepared.query }] : [],
  );
  const result = new Map<number, LicenseActivity[] | Error>();
  if (wanted.length === 0) return result;
  if (!ctx.settings.auditLogAvailable) {
    // A cloud without directory audits (21Vianet): no query; each follow-up decides from its snapshots.
    for (const { index } of wanted) result.set(index, []);
    return result;
  }
  const batch = ctx.graph.getLicenseActivitiesBatch?.bind(ctx.graph);
  if (wanted.length > 1 && batch !== undefined) {
    const answers = await batch(
      tenantId,
      wanted.map((w) => w.query),
    );
    wanted.forEach((w, i) => result.set(w.index, answers[i] ?? new Error('no answer for this audit query')));
    return result;
  }
  await Promise.all(
    wanted.map(async ({ index, query }) => {
      const activities = await ctx.graph
        .getLicenseActivities(tenantId, query.userId, query.from, query.to)
        .catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
      result.set(index, activities);
    }),
  );
  return result;
}
