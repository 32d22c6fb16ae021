/**
 * ra.standard-on-ra: a resource account does not hold Teams Phone Standard. The MCOEV plan arrives with many SKUs
 * (Teams Phone Standard, E5, Teams Shared Devices, Teams Phone with Calling Plan...), so the rule looks at the plan,
 * names every SKU (and group) that brought it, and respects `disabledPlans`.
 */
import type { Finding, PlanGrant } from '../glossary';
import { MCOEV_PLAN_ID, MCOEV_VIRTUALUSER_PLAN_ID } from '../licensing/catalog-data';
import { dedupeKey } from './dedupe-key';
import { accountLabel, userSubject } from './finding-subject';
import { grantsEvidence, skuNames } from './license-evidence';
import { ONE_OPERATION_SWITCH } from './remediation';
import type { AccountRuleContext } from './rule-context';

export function findStandardOnRa({ snapshot, resourceAccount, catalog }: AccountRuleContext): Finding[] {
  if (resourceAccount === null || snapshot.deleted) return [];
  const grants = catalog.grantsOf(snapshot.assignedLicenses, MCOEV_PLAN_ID, snapshot.licenseAssignmentStates);
  if (grants.length === 0) return [];

  const label = accountLabel(snapshot);
  const subject = userSubject(snapshot);
  const holdsRaLicense = catalog.hasEnabledPlan(snapshot.assignedLicenses, MCOEV_VIRTUALUSER_PLAN_ID);

  return [
    {
      ruleId: 'ra.standard-on-ra',
      severity: 'warning',
      subject,
      title: `Resource account ${label} holds Teams Phone Standard (through ${skuNames(grants)})`,
      evidence: {
        grants: grantsEvidence(grants),
        holdsResourceAccountLicense: holdsRaLicense,
        identifiedBy: resourceAccount.identifiedBy,
        observedAt: snapshot.observedAt,
      },
      whyItMatters:
        'A resource account must hold the Teams Phone Resource Account license, not Teams Phone Standard: Standard ' +
        'here uses a paid user license, and moving it later in two steps can break the auto attendant or call queue.',
      remediation: remediationFor(grants, holdsRaLicense),
      dedupeKey: dedupeKey('ra.standard-on-ra', subject),
    },
  ];
}

function remediationFor(grants: readonly PlanGrant[], holdsRaLicense: boolean): string[] {
  const steps = holdsRaLicense
    ? [
        'It already holds the Teams Phone Resource Account license, so removing Teams Phone Standard leaves no gap: remove it.',
      ]
    : [ONE_OPERATION_SWITCH];

  const suites = [
    ...new Set(grants.filter((g) => g.skuPartNumber !== 'MCOEV').map((g) => g.skuPartNumber ?? g.skuId)),
  ];
  if (suites.length > 0) {
    steps.push(
      `Teams Phone Standard comes with ${suites.join(', ')}: if the account must keep that license, switch off its MCOEV plan (add ${MCOEV_PLAN_ID} to disabledPlans) instead of removing the whole license, in the same assignLicense call that adds the resource-account license.`,
    );
  }
  const groups = [...new Set(grants.map((g) => g.assignedByGroup).filter((g): g is string => g !== null))];
  if (groups.length > 0) {
    steps.push(
      `It comes through group ${groups.join(', ')}: a group-inherited license cannot be removed with assignLicense. Assign the Teams Phone Resource Account license directly first, then take the account out of the group; never the other way round, which leaves it without a license.`,
    );
  }
  return steps;
}
