/**
 * One user read from Graph becomes a verdict: identify the account, diff against the last snapshot, evaluate the
 * account-state rules, decide the swap, and record it all in one transaction (`recordObservation`).
 *
 * The swap is evaluated once per change. When only the audit log can tell one operation from two
 * (`swapNeedsAuditCheck`), the scheduled follow-up is sent FIRST and the observation recorded after: a crash between
 * the two leaves a follow-up that finds no event yet (it tolerates that) and a message that is redelivered and
 * records the change again, whereas the other order could record the change and lose the check for good.
 */
import type { Finding, UserSnapshot } from '../glossary';
import type { LicenseCatalog } from '../licensing/license-catalog';
import type { LeasedMessage } from '../queue/queue';
import type { UserChanged } from '../queue/work-item';
import { ACCOUNT_STATE_RULES, evaluateAccount, evaluateSwap, swapNeedsAuditCheck } from '../rules/evaluate';
import { holdingsOf } from '../rules/swap-timeline';
import { diffSnapshots, relevantDifferences } from '../licensing/diff-snapshots';
import { resolveIdentification } from '../identification/resolve-identification';
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
      // Standard only, then neither: the snapshots prove a remove-first swap by themselves. Alert now; the audit log
      // (minutes late) completes that same alert with the operations. Otherwise only the audit log can decide.
      const proven = evaluateSwap({ ...swap, activities: [] });
      findings.push(...proven);
      await scheduleSwapFollowUp(
        ctx,
        firstSwapFollowUp(ctx, before, snapshot, proven.length > 0 ? 'complete-evidence' : 'decide'),
      );
      followUpScheduled = true;
    } else {
      findings.push(...evaluateSwap({ ...swap, activities: [] }));
      if (
        completesRemoveFirstSwap(before, snapshot, catalog) &&
        (await hasOpenSwapAlert(ctx, tenantId, userId))
      ) {
        // The second step of a remove-first swap: the alert raised for the first names only the removal. The audit
        // log (minutes late) will name this addition and how long the account went without a license.
        await scheduleSwapFollowUp(ctx, firstSwapFollowUp(ctx, before, snapshot, 'complete-evidence'));
        followUpScheduled = true;
      }
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

/** Neither license before, the Resource Account license now: how the second step of a remove-first swap looks. */
function completesRemoveFirstSwap(
  before: UserSnapshot,
  after: UserSnapshot,
  catalog: LicenseCatalog,
): boolean {
  if (before.deleted || after.deleted) return false;
  const was = holdingsOf(before.assignedLicenses, catalog);
  const now = holdingsOf(after.assignedLicenses, catalog);
  return !was.standard && !was.resourceAccountLicense && now.resourceAccountLicense;
}

async function hasOpenSwapAlert(ctx: WorkerContext, tenantId: string, userId: string): Promise<boolean> {
  const open = await ctx.store.alerts.list({ tenantId, userId, state: 'open' });
  return open.some((alert) => alert.ruleId === 'ra.non-atomic-swap');
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
