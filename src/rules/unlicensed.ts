/**
 * ra.unlicensed: every resource account holds a Teams Phone Resource Account license (MCOEV_VIRTUALUSER enabled),
 * with or without a phone number. Without it the auto attendant or call queue may stop working.
 */
import type { Finding } from '../glossary';
import { MCOEV_PLAN_ID, MCOEV_VIRTUALUSER_PLAN_ID } from '../licensing/catalog-data';
import { dedupeKey } from './dedupe-key';
import { accountLabel, userSubject } from './finding-subject';
import { failedAssignmentsEvidence, grantsEvidence, licensesEvidence } from './license-evidence';
import { CLAIM_AT_ZERO_COST, ONE_OPERATION_SWITCH, SWAP_RECOVERY_STEPS } from './remediation';
import type { AccountRuleContext } from './rule-context';

export function findUnlicensed({ snapshot, resourceAccount, catalog }: AccountRuleContext): Finding[] {
  if (resourceAccount === null || snapshot.deleted) return [];
  if (catalog.hasEnabledPlan(snapshot.assignedLicenses, MCOEV_VIRTUALUSER_PLAN_ID)) return [];

  const label = accountLabel(snapshot);
  const subject = userSubject(snapshot);
  const standard = catalog.grantsOf(
    snapshot.assignedLicenses,
    MCOEV_PLAN_ID,
    snapshot.licenseAssignmentStates,
  );
  const unknownSkuIds = catalog.unknownSkus(snapshot.assignedLicenses);
  const failed = failedAssignmentsEvidence(snapshot.licenseAssignmentStates, catalog);

  const remediation = [
    `Assign the Teams Phone Resource Account license (PHONESYSTEM_VIRTUALUSER) to ${label}.`,
    `If no seat is left, get one: within the free allocation it costs $0 but must still be bought. ${CLAIM_AT_ZERO_COST}`,
  ];
  if (failed.length > 0) {
    remediation.push(
      'A license assignment on this account failed (see failedAssignments): fix its cause, usually no free seat (CountViolation).',
    );
  }
  if (standard.length > 0) {
    remediation.push(`It still holds Teams Phone Standard: do not remove it first. ${ONE_OPERATION_SWITCH}`);
  }
  remediation.push(
    `If Teams Phone Standard was removed from this account in a separate step before, the account may already be broken: ${SWAP_RECOVERY_STEPS.join(' ')}`,
  );

  return [
    {
      ruleId: 'ra.unlicensed',
      severity: 'critical',
      subject,
      title: `${label} has no Teams Phone Resource Account license`,
      evidence: {
        identifiedBy: resourceAccount.identifiedBy,
        identificationDetail: resourceAccount.detail,
        application: resourceAccount.application,
        assignedLicenses: licensesEvidence(snapshot.assignedLicenses, catalog),
        teamsPhoneStandardGrants: grantsEvidence(standard),
        failedAssignments: failed,
        // SKUs neither the tenant nor the catalog describes: not counted as the RA license, so say so.
        unknownSkuIds,
        observedAt: snapshot.observedAt,
      },
      whyItMatters:
        'Microsoft requires every resource account to hold a Teams Phone Resource Account license. Without it the ' +
        'auto attendant or call queue it serves may stop answering or routing calls.',
      remediation,
      dedupeKey: dedupeKey('ra.unlicensed', subject),
    },
  ];
}
