/**
 * One user read from Graph becomes a verdict: identify the account, diff against the last snapshot, evaluate the
 * account-state rules, decide the swap, and record it all in one transaction (`recordObservation`).
 *
 * The swap is evaluated once per change. When only the audit log can tell one operation from two
 * (`swapNeedsAuditCheck`), the delayed follow-up is sent FIRST and the observation recorded after: a crash between
 * the two leaves a follow-up that finds no event yet (it tolerates that) and a message that is redelivered and
 * records the change again, whereas the other order could record the change and lose the check for good.
 */
import type { Finding, UserSnapshot } from '../glossary';
import type { LicenseCatalog } from '../licensing/license-catalog';
import type { LeasedMessage } from '../queue/queue';
import type { UserChanged } from '../queue/work-item';
import { ACCOUNT_STATE_RULES, evaluateAccount, evaluateSwap, swapNeedsAuditCheck } from '../rules/evaluate';
import { holdingsOf } from '../rules/swap-timeline';
import { diffSnapshots, relevantDifferences } from './diff-snapshots';
import { resolveIdentification } from './resolve-identification';
import { firstSwapFollowUp, scheduleSwapFollowUp } from './swap-follow-up-message';
import type { WorkerContext } from './worker-context';

export async function observeUser(
  ctx: WorkerContext,
  args: { item: UserChanged; message: LeasedMessage; snapshot: UserSnapshot; catalog: LicenseCatalog },
): Promise<void> {
  const { item, message, snapshot, catalog } = args;
  const { tenantId, userId } = snapshot;
  const before = await ctx.store.snapshots.get(tenantId, userId);
  const { resourceAccount, changed: identificationChanged } = await resolveIdentification(
    ctx,
    snapshot,
    catalog,
  );

  const change = diffSnapshots(before, snapshot, {
    receivedAt: item.receivedAt,
    source: { kind: item.source, subscriptionId: item.subscriptionId, messageId: message.messageId },
  });
  const findings: Finding[] = evaluateAccount({ snapshot, resourceAccount, catalog });

  const holdingsChanged = change !== null && standardOrRaChanged(before, snapshot, catalog);
  let followUpScheduled = false;
  if (resourceAccount !== null && before !== null && holdingsChanged) {
    const swap = { resourceAccount, before, after: snapshot, catalog };
    if (swapNeedsAuditCheck(swap)) {
      await scheduleSwapFollowUp(ctx, firstSwapFollowUp(ctx, before, snapshot));
      followUpScheduled = true;
    } else {
      findings.push(...evaluateSwap({ ...swap, activities: [] }));
    }
  }

  const result = await ctx.store.recordObservation(
    {
      snapshot,
      ...(change === null ? {} : { change }),
      // State rules only: the swap is an incident and must not be "resolved" by a later clean read.
      scope: { tenantId, userId, ruleIds: ACCOUNT_STATE_RULES },
      findings,
      at: ctx.now().toISOString(),
    },
    ctx.routing,
  );

  // The allocation counts resource accounts (and seats bought, from subscribedSkus): an ordinary user's licenses
  // never move it.
  if (identificationChanged || (resourceAccount !== null && holdingsChanged))
    ctx.requestTenantEvaluation(tenantId);

  const log = {
    tenantId,
    userId,
    messageId: message.messageId,
    resourceAccount: resourceAccount?.identifiedBy ?? null,
    differences: relevantDifferences(before, snapshot),
    eventId: result.eventId,
    opened: result.opened.map((a) => a.ruleId),
    resolved: result.resolved.map((a) => a.ruleId),
    followUpScheduled,
  };
  if (snapshot.deleted && before !== null && !before.deleted) {
    ctx.logger.info(log, 'user deleted in Graph: its account alerts are resolved');
  } else {
    ctx.logger.debug(
      log,
      change === null ? 'user read: nothing license-relevant changed' : 'user change recorded',
    );
  }
}

/** Whether Teams Phone Standard or the Resource Account license came or went (the swap and allocation care). */
function standardOrRaChanged(
  before: UserSnapshot | null,
  after: UserSnapshot,
  catalog: LicenseCatalog,
): boolean {
  const was = holdingsOf(before === null || before.deleted ? [] : before.assignedLicenses, catalog);
  const now = holdingsOf(after.deleted ? [] : after.assignedLicenses, catalog);
  return was.standard !== now.standard || was.resourceAccountLicense !== now.resourceAccountLicense;
}
