/**
 * What the rules are given. Everything is already read and resolved by the worker: the rules themselves do no I/O,
 * so the same inputs always give the same findings (replay depends on it).
 */
import type { Allocation, LicenseActivity, ResourceAccount, TenantId, UserSnapshot } from '../glossary';
import type { LicenseCatalog } from '../licensing/license-catalog';

/** One account's current state. `resourceAccount` is null when the account is not known as a resource account. */
export interface AccountRuleContext {
  snapshot: UserSnapshot;
  resourceAccount: ResourceAccount | null;
  catalog: LicenseCatalog;
}

/** One resource account's license change, with the audit activities found for it (possibly none yet). */
export interface SwapRuleContext {
  resourceAccount: ResourceAccount;
  before: UserSnapshot | null;
  after: UserSnapshot;
  activities: LicenseActivity[];
  catalog: LicenseCatalog;
}

export type SwapCheckContext = Omit<SwapRuleContext, 'activities'>;

export interface TenantRuleContext {
  tenantId: TenantId;
  allocation: Allocation;
}
