/**
 * ra.non-atomic-swap: removing Teams Phone Standard and adding the Teams Phone Resource Account license must happen in
 * the same license activity (one assignLicense call). Remove-first leaves the account with neither license, and
 * Microsoft documents that the auto attendant or call queue may then stop working: critical. Add-first never leaves a
 * gap but is still two operations: warning.
 *
 * The snapshot diff cannot tell one call from two (both may land before the worker reads the user), so the audit log
 * decides (DESIGN.md "The non-atomic swap"); a snapshot pair going from Standard only to neither is proof by itself.
 */
import type { Finding, Json, LicenseActivity } from '../glossary';
import type { LicenseCatalog } from '../licensing/license-catalog';
import { dedupeKey } from './dedupe-key';
import { accountLabel, userSubject } from './finding-subject';
import { activityEvidence } from './license-evidence';
import { ONE_OPERATION_SWITCH, SWAP_RECOVERY_STEPS } from './remediation';
import type { SwapCheckContext, SwapRuleContext } from './rule-context';
import { holdingsOf, orderedActivities, replaySwaps, type SwapIncident } from './swap-timeline';

export function findNonAtomicSwap({
  resourceAccount,
  before,
  after,
  activities,
  catalog,
}: SwapRuleContext): Finding[] {
  if (after.deleted) return [];
  const { incidents } = replaySwaps(before, after, orderedActivities(activities, resourceAccount), catalog);
  const label = accountLabel(after);
  const subject = userSubject(after);

  return incidents.map((incident): Finding => {
    const removeFirst = incident.order !== 'add-first';
    return {
      ruleId: 'ra.non-atomic-swap',
      severity: removeFirst ? 'critical' : 'warning',
      subject,
      title: removeFirst
        ? `${label}: Teams Phone Standard was removed before the Resource Account license was added, in separate operations`
        : `${label}: the Resource Account license was added and Teams Phone Standard removed in separate operations`,
      evidence: incidentEvidence(incident, catalog),
      whyItMatters: removeFirst
        ? 'Between the two operations the resource account held neither license. Microsoft documents that an auto ' +
          'attendant or call queue whose resource account was swapped this way may stop working.'
        : 'The account kept a license throughout, but Microsoft asks for the switch from Teams Phone Standard to the ' +
          'Resource Account license to be one operation; check that the auto attendant or call queue still works.',
      remediation: [...SWAP_RECOVERY_STEPS, `Next time: ${ONE_OPERATION_SWITCH}`],
      dedupeKey: dedupeKey('ra.non-atomic-swap', subject, ...incidentKey(incident)),
    };
  });
}

/**
 * The incident's identity. A remove-first swap is identified by its removal alone: the addition's audit record often
 * arrives later, and the same incident seen again with it must not alert twice. Without audit records the last
 * snapshot that still showed Standard identifies it.
 */
function incidentKey(incident: SwapIncident): string[] {
  switch (incident.order) {
    case 'remove-first':
      return ['remove-first', incident.removal.activityId];
    case 'add-first':
      return ['add-first', incident.addition.activityId, incident.removal.activityId];
    case 'remove-first-by-snapshots':
      return ['remove-first', `standard-last-seen-${incident.before.observedAt}`];
  }
}

function incidentEvidence(incident: SwapIncident, catalog: LicenseCatalog): { [key: string]: Json } {
  switch (incident.order) {
    case 'remove-first':
      return {
        order: 'remove-first',
        proof: 'audit-log',
        activities: [
          activityEvidence('removed Teams Phone Standard', incident.removal, catalog),
          ...(incident.addition === null
            ? []
            : [
                activityEvidence(
                  'added the Teams Phone Resource Account license',
                  incident.addition,
                  catalog,
                ),
              ]),
        ],
        withoutLicenseFrom: incident.removal.at,
        withoutLicenseUntil: incident.addition?.at ?? null,
        secondsWithoutLicense: secondsBetween(incident.removal, incident.addition),
      };
    case 'add-first':
      return {
        order: 'add-first',
        proof: 'audit-log',
        activities: [
          activityEvidence('added the Teams Phone Resource Account license', incident.addition, catalog),
          activityEvidence('removed Teams Phone Standard', incident.removal, catalog),
        ],
      };
    case 'remove-first-by-snapshots':
      return {
        order: 'remove-first',
        proof: 'snapshots',
        activities: [],
        note: 'No audit record of the change was available; the snapshots alone show the account went from Teams Phone Standard to no license.',
        standardLastSeenAt: incident.before.observedAt,
        neitherLicenseSeenAt: incident.after.observedAt,
      };
  }
}

function secondsBetween(from: LicenseActivity, to: LicenseActivity | null): number | null {
  return to === null ? null : Math.round((Date.parse(to.at) - Date.parse(from.at)) / 1000);
}

/**
 * True when a resource account lost Teams Phone Standard between two reads: only the audit log can say whether the
 * RA license came in the same operation (Standard gone, RA present), and it supplies the activity evidence when the
 * account is left with neither. The worker schedules a delayed follow-up (audit records arrive minutes late) and
 * evaluates the swap then, once per change. Losing both licenses at once is not a swap.
 */
export function swapNeedsAuditCheck({ before, after, catalog }: SwapCheckContext): boolean {
  if (before === null || before.deleted || after.deleted) return false;
  const was = holdingsOf(before.assignedLicenses, catalog);
  const now = holdingsOf(after.assignedLicenses, catalog);
  const lostStandard = was.standard && !now.standard;
  const lostRa = was.resourceAccountLicense && !now.resourceAccountLicense;
  return lostStandard && !lostRa;
}
