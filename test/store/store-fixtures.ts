/** Small builders of glossary values for the store's contract suites. */
import type { Finding, LicenseChange, RuleId, UserSnapshot } from '../../src/glossary';
import { dedupeKey } from '../../src/rules/dedupe-key';

export const TENANT = 'tenant-a';
export const OTHER_TENANT = 'tenant-b';

export function snapshot(userId: string, overrides: Partial<UserSnapshot> = {}): UserSnapshot {
  return {
    tenantId: TENANT,
    userId,
    displayName: `Queue ${userId}`,
    userPrincipalName: `${userId}@contoso.example`,
    accountEnabled: false,
    department: 'Microsoft Communication Application Instance',
    assignedLicenses: [{ skuId: 'sku-ra', disabledPlans: [] }],
    licenseAssignmentStates: [],
    deleted: false,
    observedAt: '2026-01-01T10:00:00.000Z',
    ...overrides,
  };
}

export function change(
  userId: string,
  receivedAt: string,
  overrides: Partial<LicenseChange> = {},
): LicenseChange {
  const after = snapshot(userId, { tenantId: overrides.tenantId ?? TENANT, observedAt: receivedAt });
  return {
    tenantId: TENANT,
    userId,
    before: null,
    after,
    addedSkuIds: ['sku-ra'],
    removedSkuIds: [],
    receivedAt,
    graphTime: null,
    source: { kind: 'notification', subscriptionId: 'sub-1', messageId: `msg-${receivedAt}` },
    activities: [],
    ...overrides,
  };
}

export function userFinding(ruleId: RuleId, userId: string, tenantId = TENANT, title = 'a problem'): Finding {
  const subject = { kind: 'user' as const, tenantId, userId, displayName: null, userPrincipalName: null };
  return {
    ruleId,
    severity: 'critical',
    subject,
    title,
    evidence: { userId },
    whyItMatters: 'calls fail',
    remediation: ['assign the license'],
    dedupeKey: dedupeKey(ruleId, subject),
  };
}

export function tenantFinding(ruleId: RuleId, tenantId = TENANT): Finding {
  const subject = { kind: 'tenant' as const, tenantId };
  return {
    ruleId,
    severity: 'warning',
    subject,
    title: 'allocation',
    evidence: { needed: 30 },
    whyItMatters: 'costs money',
    remediation: ['buy licenses'],
    dedupeKey: dedupeKey(ruleId, subject),
  };
}
