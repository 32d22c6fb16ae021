/**
 * Findings made by the real rules (so the evidence has the shapes production sends) and alerts around them, for the
 * sink and renderer tests that run without a store.
 */
import type { Alert, Finding } from '../../src/glossary';
import { RA_SKU_ID, TEAMS_PHONE_STANDARD_SKU_ID } from '../../src/licensing/catalog-data';
import { createLicenseCatalog } from '../../src/licensing/license-catalog';
import { findNonAtomicSwap } from '../../src/rules/non-atomic-swap';
import { findUnlicensed } from '../../src/rules/unlicensed';
import {
  TENANT_ID,
  activity,
  lic,
  resourceAccount,
  sampleSubscribedSkus,
  snapshot,
} from '../fixtures/licensing';

export const RA_USER_ID = 'a3f6c2d1-9b84-4e7a-8c15-6d2e0f9b7a41';
export const RA_UPN = 'aa-reception@contoso.com';
const catalog = createLicenseCatalog(sampleSubscribedSkus());
const named = { displayName: 'AA Reception', userPrincipalName: RA_UPN };

/** Remove-first non-atomic swap: critical, with both audit activities as evidence. */
export function swapFinding(): Finding {
  const before = snapshot([lic.standard()], { ...named, observedAt: '2025-03-04T09:00:00.000Z' });
  const after = snapshot([lic.ra()], { ...named, observedAt: '2025-03-04T11:00:00.000Z' });
  const findings = findNonAtomicSwap({
    resourceAccount: resourceAccount(),
    before,
    after,
    activities: [
      activity(
        'aaaaaaaa-0000-4000-8000-00000000000a',
        '2025-03-04T10:00:00.000Z',
        { removed: [TEAMS_PHONE_STANDARD_SKU_ID] },
        'admin@contoso.com',
      ),
      activity(
        'bbbbbbbb-0000-4000-8000-00000000000b',
        '2025-03-04T10:01:00.000Z',
        { added: [RA_SKU_ID] },
        'provisioning-app',
      ),
    ],
    catalog,
  });
  if (findings[0] === undefined) throw new Error('fixture: the swap rule found nothing');
  return findings[0];
}

/** An unlicensed resource account with the given user id (bursts use many). */
export function unlicensedFinding(userId: string = RA_USER_ID, upn: string = RA_UPN): Finding {
  const findings = findUnlicensed({
    snapshot: snapshot([], { userId, displayName: `RA ${upn}`, userPrincipalName: upn }),
    resourceAccount: resourceAccount(userId),
    catalog,
  });
  if (findings[0] === undefined) throw new Error('fixture: the unlicensed rule found nothing');
  return findings[0];
}

export function alertOf(finding: Finding, overrides: Partial<Alert> = {}): Alert {
  return {
    id: 'alert-0001',
    tenantId: TENANT_ID,
    dedupeKey: finding.dedupeKey,
    ruleId: finding.ruleId,
    severity: finding.severity,
    userId: finding.subject.kind === 'user' ? finding.subject.userId : null,
    state: 'open',
    finding,
    firstSeenAt: '2025-03-04T11:00:00.000Z',
    lastSeenAt: '2025-03-04T11:00:00.000Z',
    seenCount: 1,
    resolvedAt: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    acknowledgeReason: null,
    snoozedUntil: null,
    eventId: 1,
    replayed: false,
    ...overrides,
  };
}

export { TENANT_ID };
