/**
 * A user as Graph returns it: the default property set without `$select`, exactly the selected properties with it
 * (`licenseAssignmentStates` only ever with `$select`, as Graph does), and `@odata.context` naming the selection.
 */
import { GraphOperationError } from './graph-operation-error';
import { serviceOfPlan } from './plan-service';
import { effectiveLicenses, licenseAssignmentStates, type SimUser } from './sim-user';

/** Graph v1.0's default user properties. */
const DEFAULT_PROPERTIES = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
];

type PropertyReader = (user: SimUser, planName: (id: string) => string) => unknown;

const PROPERTIES: Record<string, PropertyReader> = {
  id: (u) => u.id,
  businessPhones: () => [],
  displayName: (u) => u.displayName,
  givenName: (u) => u.displayName.split(' ')[0] ?? null,
  surname: (u) => u.displayName.split(' ').slice(1).join(' ') || null,
  jobTitle: (u) => u.jobTitle,
  mail: (u) => (u.resourceAccount === null ? u.userPrincipalName : null),
  mobilePhone: () => null,
  officeLocation: () => null,
  preferredLanguage: () => null,
  userPrincipalName: (u) => u.userPrincipalName,
  accountEnabled: (u) => u.accountEnabled,
  department: (u) => u.department,
  usageLocation: (u) => u.usageLocation,
  createdDateTime: (u) => u.createdDateTime.replace(/\.\d{3}Z$/, 'Z'),
  assignedLicenses: (u) => effectiveLicenses(u),
  licenseAssignmentStates: (u) => licenseAssignmentStates(u),
  assignedPlans: (u, planName) =>
    [...u.planGrants.values()].map((g) => ({
      assignedDateTime: g.assignedDateTime.replace(/\.\d{3}Z$/, 'Z'),
      capabilityStatus: g.capabilityStatus,
      service: serviceOfPlan(planName(g.servicePlanId)),
      servicePlanId: g.servicePlanId,
    })),
};

/** The selected property names, validated like Graph validates them (unknown name → 400). */
export function parseSelect(select: string | null): string[] | null {
  if (select === null || select.trim() === '') return null;
  const names = select
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  for (const name of names) {
    if (!(name in PROPERTIES))
      throw new GraphOperationError(
        400,
        'BadRequest',
        `Could not find a property named '${name}' on type 'microsoft.graph.user'.`,
      );
  }
  return names;
}

export function userProperties(
  user: SimUser,
  select: string[] | null,
  planName: (id: string) => string,
): Record<string, unknown> {
  const names = select ?? DEFAULT_PROPERTIES;
  const result: Record<string, unknown> = {};
  for (const name of names) {
    const read = PROPERTIES[name];
    if (read) result[name] = read(user, planName);
  }
  // Graph always returns the id, selected or not.
  if (!('id' in result)) result['id'] = user.id;
  return result;
}

export function userEntityContext(baseUrl: string, select: string[] | null): string {
  return select === null
    ? `${baseUrl}/v1.0/$metadata#users/$entity`
    : `${baseUrl}/v1.0/$metadata#users(${select.join(',')})/$entity`;
}

export function usersCollectionContext(baseUrl: string, select: string[] | null): string {
  return select === null
    ? `${baseUrl}/v1.0/$metadata#users`
    : `${baseUrl}/v1.0/$metadata#users(${select.join(',')})`;
}
