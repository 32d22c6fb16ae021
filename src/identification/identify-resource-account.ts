/**
 * Is this user a Teams Phone resource account? No property of `user` says so (DOMAIN.md §4), so the answer is
 * assembled from several sources, strongest first, and the source that decided is recorded:
 *
 *   1. the admin's registry: always wins, both ways ("this is not a resource account" overrides everything);
 *   2. Graph's Teams userConfiguration (`accountType`): `resourceAccount` yes, `user`/`guest` no; any other value
 *      (`unknown`, `sfbOnPremUser`, `ineligibleUser`, ...) decides nothing;
 *   3. an application instance binding (auto attendant / call queue app id), when one is known;
 *   4. conventions: a disabled account in department "Microsoft Communication Application Instance" (or the legacy
 *      "Skype for Business Application Endpoint"), or one that
 *      holds the resource-account license (MCOEV_VIRTUALUSER);
 *   5. what was decided before: a resource account that lost every license no longer matches the license
 *      convention, and that is exactly the account whose auto attendant is about to stop working.
 *
 * Teams beats the license convention on purpose: an ordinary user who was given the RA license also "holds
 * MCOEV_VIRTUALUSER", and only Teams' `accountType: user` lets ra.license-on-user see it.
 *
 * Pure: the worker gathers the inputs (`resolve-identification.ts`).
 */
import type { IdentificationSource, ResourceAccount, UserSnapshot } from '../glossary';
import type { TeamsUserConfiguration } from '../graph/graph-reader';
import { teamsVerdictOf } from '../graph/teams-wire-schemas';
import { MCOEV_VIRTUALUSER_PLAN_ID } from '../licensing/catalog-data';
import type { LicenseCatalog } from '../licensing/license-catalog';
import type { IdentificationRecord, RegistryEntry } from '../store/store';

/** The department Teams gives the user objects it creates for application instances. */
export const APPLICATION_INSTANCE_DEPARTMENT = 'Microsoft Communication Application Instance';
/**
 * What older resource accounts (created in the Skype for Business era) carry instead (DOMAIN.md §7: Teams docs,
 * manage resource accounts / troubleshooting).
 */
export const LEGACY_APPLICATION_ENDPOINT_DEPARTMENT = 'Skype for Business Application Endpoint';
const RESOURCE_ACCOUNT_DEPARTMENTS = [
  APPLICATION_INSTANCE_DEPARTMENT,
  LEGACY_APPLICATION_ENDPOINT_DEPARTMENT,
];

/** The resource-account department the user carries (either spelling, case and spaces aside), or null. */
export function resourceAccountDepartment(department: string | null | undefined): string | null {
  const given = department?.trim().toLowerCase() ?? '';
  return RESOURCE_ACCOUNT_DEPARTMENTS.find((d) => d.toLowerCase() === given) ?? null;
}

export type Application = ResourceAccount['application'];

export interface IdentificationInput {
  snapshot: UserSnapshot;
  registry: RegistryEntry | null;
  /** Teams' answer read just now; null when it was not asked, or has no configuration for the user. */
  teams: TeamsUserConfiguration | null;
  /** The application the account is bound to, when an application-instance lookup is configured and knows it. */
  applicationInstance: Exclude<Application, 'unknown'> | null;
  /** The last decision (the cache). Stands in for Teams when Teams was not asked, and keeps a known account known. */
  previous: IdentificationRecord | null;
  catalog: LicenseCatalog;
}

export interface Identification {
  isResourceAccount: boolean;
  /** The source that decided; null when nothing recognised the account (an ordinary user). */
  identifiedBy: IdentificationSource | null;
  detail: string;
  application: Application;
}

export function identifyResourceAccount(input: IdentificationInput): Identification {
  const { snapshot, registry, teams, applicationInstance, previous, catalog } = input;

  if (registry !== null) {
    return {
      isResourceAccount: registry.isResourceAccount,
      identifiedBy: 'registry',
      detail:
        `registry: ${registry.isResourceAccount ? 'a resource account' : 'not a resource account'}` +
        (registry.note === null ? '' : ` (${registry.note})`),
      application: registry.application,
    };
  }

  // Only resourceAccount (yes) and user/guest (no) decide; unknown, unknownFutureValue, sfbOnPremUser,
  // ineligibleUser and later members fall through to the sources below, as if Teams had not answered.
  const verdict = teams === null ? 'no-verdict' : teamsVerdictOf(teams.accountType);
  if (teams !== null && verdict !== 'no-verdict') {
    return {
      isResourceAccount: verdict === 'resource-account',
      identifiedBy: 'teams-user-configuration',
      detail: `accountType=${teams.accountType}`,
      application: 'unknown',
    };
  }
  // Teams not asked this time (its answer is cached), or silent now (no configuration, permission withdrawn):
  // its last answer still outranks everything below.
  if (previous !== null && previous.identifiedBy === 'teams-user-configuration') {
    return fromRecord(previous);
  }

  if (applicationInstance !== null) {
    return {
      isResourceAccount: true,
      identifiedBy: 'application-instance',
      detail: `bound to a ${applicationInstance} application instance`,
      application: applicationInstance,
    };
  }

  const convention = conventionDetail(snapshot, catalog);
  if (convention !== null) {
    return {
      isResourceAccount: true,
      identifiedBy: 'convention',
      detail: convention,
      application: 'unknown',
    };
  }

  // A registry decision is not remembered here: the entry is gone, so it no longer speaks.
  if (
    previous !== null &&
    previous.isResourceAccount &&
    previous.identifiedBy !== null &&
    previous.identifiedBy !== 'registry'
  ) {
    return fromRecord(previous);
  }

  return {
    isResourceAccount: false,
    identifiedBy: null,
    detail: 'no source recognises it as a resource account',
    application: 'unknown',
  };
}

/** The convention that recognises the account, or null. */
export function conventionDetail(snapshot: UserSnapshot, catalog: LicenseCatalog): string | null {
  const department = resourceAccountDepartment(snapshot.department);
  if (snapshot.accountEnabled === false && department !== null) {
    return `accountEnabled=false and department "${department}"`;
  }
  if (catalog.hasEnabledPlan(snapshot.assignedLicenses, MCOEV_VIRTUALUSER_PLAN_ID)) {
    return 'holds the Teams Phone Resource Account license (MCOEV_VIRTUALUSER)';
  }
  return null;
}

/**
 * Whether to ask Teams now, rather than trust the cached answer. Not on every change (a burst of a thousand updates
 * must not become a thousand Teams calls), but: when the account was never checked, when the check is older than
 * `ttlMs`, when the registry that decided last time has let go, and when nothing recognised a *disabled* account
 * (resource accounts are disabled user objects, and Teams may not have known a brand-new one the first time).
 */
export function shouldAskTeams(args: {
  snapshot: UserSnapshot;
  registry: RegistryEntry | null;
  previous: IdentificationRecord | null;
  now: Date;
  ttlMs: number;
}): boolean {
  const { snapshot, registry, previous, now, ttlMs } = args;
  if (registry !== null || snapshot.deleted) return false;
  if (previous === null || previous.identifiedBy === 'registry') return true;
  if (now.getTime() - Date.parse(previous.checkedAt) >= ttlMs) return true;
  return previous.identifiedBy === null && snapshot.accountEnabled === false;
}

/** The glossary's ResourceAccount for a positive identification, or null. */
export function toResourceAccount(
  snapshot: UserSnapshot,
  identification: Identification,
): ResourceAccount | null {
  if (!identification.isResourceAccount || identification.identifiedBy === null) return null;
  return {
    tenantId: snapshot.tenantId,
    userId: snapshot.userId,
    identifiedBy: identification.identifiedBy,
    detail: identification.detail,
    application: identification.application,
  };
}

function fromRecord(record: IdentificationRecord): Identification {
  return {
    isResourceAccount: record.isResourceAccount,
    identifiedBy: record.identifiedBy,
    detail: record.detail,
    application: record.application,
  };
}
