/**
 * ra.allocation-exceeded: resource-account licenses needed beyond the free allocation cost money (DOMAIN.md §2).
 * Info, not a fault: the admin should know the cost and buy the extra seats before an account goes unlicensed.
 */
import type { Finding } from '../glossary';
import { allocationEvidence } from './allocation-evidence';
import { dedupeKey } from './dedupe-key';
import { tenantSubject } from './finding-subject';
import { CLAIM_AT_ZERO_COST } from './remediation';
import type { TenantRuleContext } from './rule-context';

export function findAllocationExceeded({ tenantId, allocation }: TenantRuleContext): Finding[] {
  const { needed, freeAllocation, toBuy } = allocation;
  if (needed <= freeAllocation) return [];
  const subject = tenantSubject(tenantId);
  return [
    {
      ruleId: 'ra.allocation-exceeded',
      severity: 'info',
      subject,
      title: `${needed} resource accounts need a license: ${toBuy} beyond the free allocation of ${freeAllocation} must be bought`,
      evidence: allocationEvidence(allocation),
      whyItMatters:
        'Teams Phone Resource Account licenses beyond the free allocation are paid. Without them the extra auto ' +
        'attendants and call queues cannot all be licensed.',
      remediation: [
        `Buy ${toBuy} Teams Phone Resource Account license(s) at the paid price, or remove resource accounts no auto attendant or call queue uses.`,
        freeAllocation > 0
          ? `Claim the ${freeAllocation} free ones first. ${CLAIM_AT_ZERO_COST}`
          : 'The tenant has no free allocation: it needs at least one license that includes Teams Phone (Standard, with Calling Plan, Shared Devices, or a suite such as E5).',
        `Check the count: ${allocation.basisText}`,
      ],
      // One identity per tenant: a count that moves (86, 87... accounts created one by one) updates the open alert
      // instead of resolving one and opening the next, which would read as "fixed" while the cost only grew.
      dedupeKey: dedupeKey('ra.allocation-exceeded', subject),
    },
  ];
}
