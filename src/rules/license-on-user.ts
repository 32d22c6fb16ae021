/**
 * ra.license-on-user: the Teams Phone Resource Account license (MCOEV_VIRTUALUSER) is for resource accounts only.
 * On an ordinary user it is licence misuse, breaks the free allocation's terms and takes a seat an auto attendant or
 * call queue may need.
 */
import type { Finding } from '../glossary';
import { MCOEV_VIRTUALUSER_PLAN_ID } from '../licensing/catalog-data';
import { dedupeKey } from './dedupe-key';
import { accountLabel, userSubject } from './finding-subject';
import { grantsEvidence } from './license-evidence';
import type { AccountRuleContext } from './rule-context';

export function findLicenseOnUser({ snapshot, resourceAccount, catalog }: AccountRuleContext): Finding[] {
  if (resourceAccount !== null || snapshot.deleted) return [];
  const grants = catalog.grantsOf(
    snapshot.assignedLicenses,
    MCOEV_VIRTUALUSER_PLAN_ID,
    snapshot.licenseAssignmentStates,
  );
  if (grants.length === 0) return [];

  const label = accountLabel(snapshot);
  const subject = userSubject(snapshot);
  const groups = [...new Set(grants.map((g) => g.assignedByGroup).filter((g): g is string => g !== null))];
  const removal =
    groups.length > 0
      ? `Otherwise remove the license: it comes from group ${groups.join(', ')}, so take the user out of that group or remove the license from the group (a group-inherited license cannot be removed from the user directly).`
      : 'Otherwise remove the Teams Phone Resource Account license from the user.';

  return [
    {
      ruleId: 'ra.license-on-user',
      severity: 'warning',
      subject,
      title: `${label} holds a Teams Phone Resource Account license but is not a resource account`,
      evidence: {
        grants: grantsEvidence(grants),
        accountEnabled: snapshot.accountEnabled,
        department: snapshot.department,
        observedAt: snapshot.observedAt,
      },
      whyItMatters:
        'The Teams Phone Resource Account license may only be assigned to resource accounts (auto attendants and call ' +
        'queues). On a user it breaks the terms of the free allocation and uses a seat a resource account may need.',
      remediation: [
        `If ${label} is in fact a resource account ra-watch did not recognise, add it to the resource-account registry (PUT /api/resource-accounts) so it is watched as one.`,
        removal,
        'If the user needs to make and receive calls, assign Teams Phone Standard (or a suite that includes it) instead.',
      ],
      dedupeKey: dedupeKey('ra.license-on-user', subject),
    },
  ];
}
