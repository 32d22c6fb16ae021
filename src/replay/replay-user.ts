/**
 * The account a replay or a timeline is about, given as an object id or a UPN. Admins remember "the reception line",
 * i.e. a UPN, while events are keyed by object id; the stored snapshots hold both. An account ra-watch has never
 * seen (no snapshot, no event) is an error with a clear message rather than an empty report: a typo in a UPN must
 * not read as "nothing happened".
 */
import type { TenantId, UserId, UserSnapshot } from '../glossary';
import { isGuid } from '../guid';
import type { Store } from '../store/store';
import { ReplayInputError } from './replay-input-error';

const PAGE = 1000;

export interface ResolvedUser {
  tenantId: TenantId | null;
  userId: UserId;
  /** The last stored snapshot, when there is one (display name and UPN for reports). */
  snapshot: UserSnapshot | null;
}

/** `userOrUpn`: an object id (GUID) or a user principal name. */
export async function resolveReplayUser(
  store: Pick<Store, 'snapshots' | 'events'>,
  tenantId: TenantId | null,
  userOrUpn: string,
): Promise<ResolvedUser> {
  const value = userOrUpn.trim();
  if (isGuid(value)) {
    const userId = value.toLowerCase();
    const snapshot = tenantId === null ? null : await store.snapshots.get(tenantId, userId);
    if (snapshot !== null) return { tenantId, userId, snapshot };
    const seen = await store.events.count(tenantId === null ? { userId } : { tenantId, userId });
    if (seen > 0) return { tenantId, userId, snapshot: null };
    throw new ReplayInputError(
      'unknown-user',
      'userId',
      `ra-watch has never seen an account with object id ${userId}${tenantId === null ? '' : ` in tenant ${tenantId}`}: check the id (Entra admin center > Users > Object ID)`,
      'a3f6c2d1-9b84-4e7a-8c15-6d2e0f9b7a41',
    );
  }

  if (tenantId === null) {
    throw new ReplayInputError(
      'invalid-selection',
      'tenantId',
      `Finding ${value} by user principal name needs the tenant: give "tenantId" (or configure AZURE_TENANT_ID), or give the object id instead`,
      '5f1c9a3e-7d2b-4c8e-9a61-3b0d4e2f8c17',
    );
  }
  const snapshot = await findByUpn(store, tenantId, value);
  if (snapshot === null) {
    throw new ReplayInputError(
      'unknown-user',
      'upn',
      `ra-watch has never seen an account with user principal name ${value} in tenant ${tenantId}: check the spelling, or give the object id`,
      'ra_cq_sales@contoso.onmicrosoft.com',
    );
  }
  return { tenantId, userId: snapshot.userId.toLowerCase(), snapshot };
}

/**
 * Pages through the tenant's snapshots: the store port has no UPN index (a `snapshots.findByUpn` would be the
 * port addition). A tenant of 300k users is 300 pages, once per request: acceptable for an admin action.
 */
async function findByUpn(
  store: Pick<Store, 'snapshots'>,
  tenantId: TenantId,
  upn: string,
): Promise<UserSnapshot | null> {
  const wanted = upn.toLowerCase();
  let afterUserId: UserId | undefined;
  for (;;) {
    const page = await store.snapshots.list(
      tenantId,
      afterUserId === undefined ? { limit: PAGE } : { afterUserId, limit: PAGE },
    );
    const match = page.find((s) => s.userPrincipalName?.toLowerCase() === wanted);
    if (match !== undefined) return match;
    if (page.length < PAGE) return null;
    afterUserId = page[page.length - 1]!.userId;
  }
}
