/**
 * The rules' entry points for the worker, audit and replay. Pure: same inputs, same findings.
 *
 * Account-state rules describe the account as it is now, so an open alert for them resolves when a later evaluation
 * no longer finds it. The swap rule describes an incident in the past: it never resolves by itself.
 */
import type { Finding, RuleId } from '../glossary';
import { findAllocationExceeded } from './allocation-exceeded';
import { findAllocationUnclaimed } from './allocation-unclaimed';
import { findLicenseOnUser } from './license-on-user';
import { findNonAtomicSwap } from './non-atomic-swap';
import type { AccountRuleContext, SwapRuleContext, TenantRuleContext } from './rule-context';
import { findStandardOnRa } from './standard-on-ra';
import { findUnlicensed } from './unlicensed';

export { swapNeedsAuditCheck } from './non-atomic-swap';

export const ACCOUNT_STATE_RULES: RuleId[] = ['ra.unlicensed', 'ra.license-on-user', 'ra.standard-on-ra'];
export const TENANT_RULES: RuleId[] = ['ra.allocation-exceeded', 'ra.allocation-unclaimed'];

export function evaluateAccount(ctx: AccountRuleContext): Finding[] {
  const { snapshot, resourceAccount } = ctx;
  if (snapshot.deleted) return [];
  if (resourceAccount !== null) requireSameAccount(resourceAccount, snapshot, 'evaluateAccount');
  return [...findUnlicensed(ctx), ...findLicenseOnUser(ctx), ...findStandardOnRa(ctx)];
}

export function evaluateSwap(ctx: SwapRuleContext): Finding[] {
  requireSameAccount(ctx.resourceAccount, ctx.after, 'evaluateSwap (after)');
  if (ctx.before !== null) requireSameAccount(ctx.resourceAccount, ctx.before, 'evaluateSwap (before)');
  return findNonAtomicSwap(ctx);
}

export function evaluateTenant(ctx: TenantRuleContext): Finding[] {
  return [...findAllocationExceeded(ctx), ...findAllocationUnclaimed(ctx)];
}

/** A resource account paired with another user's snapshot is a wiring bug upstream: refuse it loudly. */
function requireSameAccount(
  account: { tenantId: string; userId: string },
  snapshot: { tenantId: string; userId: string },
  where: string,
): void {
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  if (!same(account.tenantId, snapshot.tenantId) || !same(account.userId, snapshot.userId)) {
    throw new Error(
      `${where}: resource account ${account.tenantId}/${account.userId} does not match snapshot ${snapshot.tenantId}/${snapshot.userId}; pass the snapshot of the same user`,
    );
  }
}
