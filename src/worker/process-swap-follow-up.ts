/**
 * The scheduled swap check: read the directory audit log for the account and window, and decide whether Teams Phone
 * Standard left and the Resource Account license arrived in one operation (fine) or two (an incident).
 *
 * Audit records arrive late (p95 2 min, p99 5 min) and some never do. The reads follow the schedule
 * (`swapAuditScheduleMs`): while the records that explain the change are missing and reads remain, the check is
 * scheduled again; as soon as they are there it decides, and no further read is made. On the last read it decides
 * with what it has, and the evidence says that the audit log was incomplete.
 *
 * Two purposes. `decide`: only the audit log can tell (Standard gone, the RA license there). `complete-evidence`: the
 * alert is already open (the snapshots proved a remove-first swap, or the RA license just completed one), and the
 * audit log only adds the operations to it: the same alert is updated, never a second one opened
 * (swap-alert-adoption.ts).
 *
 * The finding is event-shaped: recorded with an empty rule scope, so no later clean read ever "resolves" it.
 */
import type { Finding, LicenseActivity, LicenseChange, ResourceAccount } from '../glossary';
import type { LicenseActivityQuery } from '../graph/graph-reader';
import { MCOEV_PLAN_ID, MCOEV_VIRTUALUSER_PLAN_ID } from '../licensing/catalog-data';
import { createLicenseCatalog, type LicenseCatalog } from '../licensing/license-catalog';
import { normaliseGuid } from '../licensing/plan-match';
import type { SwapFollowUp } from '../queue/work-item';
import { evaluateSwap } from '../rules/evaluate';
import type { StoredEvent } from '../store/store';
import { knownResourceAccount } from '../identification/resolve-identification';
import { adoptSnapshotProvenAlerts } from './swap-alert-adoption';
import { withoutAuditLog } from './no-audit-log';
import { hasLaterSwapRead, scheduleSwapFollowUp } from './swap-follow-up-message';
import type { WorkerContext } from './worker-context';

/** Graph's activityDateTime and our clock disagree a little; the window's end is widened by this much. */
const CLOCK_SKEW_MS = 2 * 60_000;
const EVENT_PAGE = 200;

/** What a follow-up needs before its audit read: the change, the account, the catalog and the query. */
export interface PreparedSwapFollowUp {
  event: StoredEvent;
  resourceAccount: ResourceAccount;
  catalog: LicenseCatalog;
  query: LicenseActivityQuery;
}

/** Null when there is nothing to check (logged). */
export async function prepareSwapFollowUp(
  ctx: WorkerContext,
  item: SwapFollowUp,
): Promise<PreparedSwapFollowUp | null> {
  const where = { tenantId: item.tenantId, userId: item.userId, attempt: item.attempt };
  const event = await findChangeEvent(ctx, item);
  if (event === null) {
    // Sent before its change was recorded, and the recording never happened (a crash): the redelivered change is
    // read again, recorded with a newer snapshot, and schedules its own check.
    ctx.logger.info(where, 'swap follow-up: no recorded change for this window; nothing to check');
    return null;
  }
  const resourceAccount = await knownResourceAccount(ctx, event.change.after);
  if (resourceAccount === null) {
    ctx.logger.info(
      where,
      'swap follow-up: the account is no longer known as a resource account; nothing to check',
    );
    return null;
  }
  const catalog = createLicenseCatalog(await ctx.graph.getSubscribedSkus(item.tenantId));
  const to = new Date(Date.parse(item.windowEnd) + CLOCK_SKEW_MS).toISOString();
  return { event, resourceAccount, catalog, query: { userId: item.userId, from: item.windowStart, to } };
}

/** Decide with the activities read, or schedule the next read while the records are not all there. */
export async function decideSwapFollowUp(
  ctx: WorkerContext,
  item: SwapFollowUp,
  { event, resourceAccount, catalog }: PreparedSwapFollowUp,
  activities: readonly LicenseActivity[],
): Promise<void> {
  const { tenantId, userId } = item;
  const { before, after } = event.change;
  // issue 17 item 9: a cloud without directory audits (21Vianet) is decided from the snapshots (no-audit-log.ts);
  // nothing was read (swap-follow-up-jobs.ts), so nothing is missing and no later read is scheduled.
  const audited = ctx.settings.auditLogAvailable;
  const missing = audited ? unexplainedSkus(event.change, activities, catalog) : [];
  const reads = item.attempt + 1;

  if (missing.length > 0 && hasLaterSwapRead(ctx, item)) {
    await scheduleSwapFollowUp(ctx, { ...item, attempt: reads, eventId: String(event.id) });
    return;
  }

  const openAlerts = await ctx.store.alerts.list({ tenantId, userId, state: 'open' });
  let findings = adoptSnapshotProvenAlerts(
    evaluateSwap({ resourceAccount, before, after, activities: [...activities], catalog }),
    openAlerts,
  );
  if (item.purpose === 'complete-evidence') {
    // Only the open alert of the same incident gets the fuller evidence: the incident is already alerted, and a
    // record still missing after the last read must not replace good evidence with a note that it is incomplete;
    // only an alert the snapshots alone proved learns that the audit log never showed its operations.
    const open = new Set(openAlerts.map((alert) => alert.dedupeKey));
    findings =
      missing.length > 0
        ? findings
            .filter((f) => open.has(f.dedupeKey) && f.evidence['proof'] === 'snapshots')
            .map((f) => withIncompleteAudit(f, reads, missing))
        : findings.filter((f) => open.has(f.dedupeKey));
  } else if (missing.length > 0) {
    findings = findings.map((finding) => withIncompleteAudit(finding, reads, missing));
  }
  if (!audited) findings = findings.map(withoutAuditLog);
  if (activities.length > 0) await ctx.store.events.annotate(event.id, { activities: [...activities] });
  if (findings.length > 0) {
    await ctx.store.recordObservation(
      { scope: { tenantId, userId, ruleIds: [] }, findings, at: ctx.now().toISOString() },
      ctx.routing,
    );
  }
  ctx.logger.info(
    {
      tenantId,
      userId,
      attempt: item.attempt,
      purpose: item.purpose,
      eventId: event.id,
      activities: activities.map((a) => a.activityId),
      auditComplete: missing.length === 0,
      findings: findings.map((f) => `${f.ruleId}:${f.severity}`),
    },
    item.purpose === 'complete-evidence'
      ? findings.length === 0
        ? 'swap follow-up: nothing to add to the open swap alert'
        : 'swap follow-up: the audit log completed the open swap alert'
      : findings.length === 0
        ? 'swap follow-up: no non-atomic swap'
        : 'swap follow-up: non-atomic swap found',
  );
}

/**
 * The Standard/RA-relevant SKUs the change added or removed that no activity accounts for yet. Other SKUs do not
 * matter to the swap, so their missing records must not hold the decision.
 */
function unexplainedSkus(
  change: LicenseChange,
  activities: readonly LicenseActivity[],
  catalog: LicenseCatalog,
): string[] {
  const relevant = (skuId: string) =>
    catalog.skuContainsPlan(skuId, MCOEV_PLAN_ID) !== false ||
    catalog.skuContainsPlan(skuId, MCOEV_VIRTUALUSER_PLAN_ID) !== false;
  const removed = new Set(activities.flatMap((a) => a.removedSkuIds).map(normaliseGuid));
  const added = new Set(activities.flatMap((a) => a.addedSkuIds).map(normaliseGuid));
  return [
    ...change.removedSkuIds.filter((sku) => relevant(sku) && !removed.has(normaliseGuid(sku))),
    ...change.addedSkuIds.filter((sku) => relevant(sku) && !added.has(normaliseGuid(sku))),
  ];
}

function withIncompleteAudit(finding: Finding, reads: number, missing: string[]): Finding {
  return {
    ...finding,
    evidence: {
      ...finding.evidence,
      auditLog: {
        complete: false,
        reads,
        missingSkuIds: missing,
        note: `The directory audit log still had no record of every license operation after ${reads} read(s); this was decided from the snapshots and the records that had arrived.`,
      },
    },
  };
}

/** The event the follow-up is about: by id once known, else the one whose read is the window's end. */
async function findChangeEvent(ctx: WorkerContext, item: SwapFollowUp): Promise<StoredEvent | null> {
  const matches = (event: StoredEvent) =>
    normaliseGuid(event.change.tenantId) === normaliseGuid(item.tenantId) &&
    normaliseGuid(event.change.userId) === normaliseGuid(item.userId);
  if (item.eventId !== null) {
    const id = Number(item.eventId);
    const event = Number.isSafeInteger(id) ? await ctx.store.events.get(id) : null;
    return event !== null && matches(event) ? event : null;
  }
  let found: StoredEvent | null = null;
  let afterId: number | undefined;
  for (;;) {
    const page = await ctx.store.events.query({
      tenantId: item.tenantId,
      userId: item.userId,
      limit: EVENT_PAGE,
      ...(afterId === undefined ? {} : { afterId }),
    });
    for (const event of page) {
      if (matches(event) && Date.parse(event.change.after.observedAt) === Date.parse(item.windowEnd))
        found = event;
    }
    const last = page.at(-1);
    if (page.length < EVENT_PAGE || last === undefined) return found;
    afterId = last.id;
  }
}
