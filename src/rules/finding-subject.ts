/** Who or what a finding is about, and how an admin recognises it in a title. */
import type { FindingSubject, TenantId, UserSnapshot } from '../glossary';

export function userSubject(snapshot: UserSnapshot): FindingSubject {
  return {
    kind: 'user',
    tenantId: snapshot.tenantId,
    userId: snapshot.userId,
    displayName: snapshot.displayName,
    userPrincipalName: snapshot.userPrincipalName,
  };
}

export function tenantSubject(tenantId: TenantId): FindingSubject {
  return { kind: 'tenant', tenantId };
}

/** "Sales Queue (ra_cq_sales@contoso.onmicrosoft.com)", or whatever part of it Graph returned, or the object id. */
export function accountLabel(snapshot: UserSnapshot): string {
  const { displayName, userPrincipalName } = snapshot;
  if (displayName !== null && userPrincipalName !== null) return `${displayName} (${userPrincipalName})`;
  return displayName ?? userPrincipalName ?? snapshot.userId;
}
