/**
 * ra.allocation-unclaimed: the free allocation is not added automatically; it must be "bought" at $0. Fewer RA
 * licenses purchased than min(needed, free) means accounts that could be licensed for free cannot be licensed at all.
 */
import type { Finding } from '../glossary';
import { allocationEvidence } from './allocation-evidence';
import { dedupeKey } from './dedupe-key';
import { tenantSubject } from './finding-subject';
import { CLAIM_AT_ZERO_COST } from './remediation';
import type { TenantRuleContext } from './rule-context';

export function findAllocationUnclaimed({ tenantId, allocation }: TenantRuleContext): Finding[] {
  const { unclaimed, purchasedRaLicenses } = allocation;
  if (unclaimed === null || unclaimed <= 0) return [];
  const subject = tenantSubject(tenantId);
  return [
    {
      ruleId: 'ra.allocation-unclaimed',
      severity: 'warning',
      subject,
      title: `${unclaimed} free Teams Phone Resource Account license(s) not yet claimed (${purchasedRaLicenses ?? 0} bought, ${Math.min(allocation.needed, allocation.freeAllocation)} free ones needed)`,
      evidence: allocationEvidence(allocation),
      whyItMatters:
        'Resource accounts cannot be licensed until the free seats are claimed, and an unlicensed resource account ' +
        'may stop its auto attendant or call queue from working.',
      remediation: [
        `Buy ${unclaimed} more Teams Phone Resource Account license(s) at $0. ${CLAIM_AT_ZERO_COST}`,
        'Then assign them to the resource accounts that have none.',
        `Check the count: ${allocation.basisText}`,
      ],
      // One open to-do per tenant: claiming some of the seats updates it rather than raising a new alert.
      dedupeKey: dedupeKey('ra.allocation-unclaimed', subject),
    },
  ];
}
