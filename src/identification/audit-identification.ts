/**
 * Identification for a full scan (DOMAIN.md §4), with the worker's own decision function (`identifyResourceAccount`)
 * so an audit and the worker never disagree on what a resource account is. What differs is how the inputs are gathered for 300k users:
 * the registry and the cached resource accounts are loaded once; Teams is asked only about candidates (disabled
 * accounts, as resource accounts are; holders of the RA license, which an ordinary user may wrongly be; the
 * application-instance department; accounts known as resource accounts before), never about every user.
 */
import type { TenantId, UserId, UserSnapshot } from '../glossary';
import type { GraphReader, TeamsUserConfiguration } from '../graph/graph-reader';
import { MCOEV_VIRTUALUSER_PLAN_ID } from '../licensing/catalog-data';
import type { LicenseCatalog } from '../licensing/license-catalog';
import type { IdentificationRecord, RegistryEntry, Store } from '../store/store';
import {
  identifyResourceAccount,
  resourceAccountDepartment,
  shouldAskTeams,
  type Identification,
} from './identify-resource-account';

export interface AuditIdentification {
  identification: Identification;
  previous: IdentificationRecord | null;
  /** Teams was asked now (the record's checkedAt moves). */
  asked: boolean;
  /** Registry user or candidate: its record is worth keeping current. */
  tracked: boolean;
}

export interface AuditIdentifier {
  identify(snapshot: UserSnapshot): Promise<AuditIdentification>;
  /** Cached resource accounts the scan has not seen (yet): deleted since, when the scan is complete. */
  unseenCachedResourceAccounts(): IdentificationRecord[];
  readonly teamsLookups: number;
}

export async function createAuditIdentifier(args: {
  store: Store;
  graph: GraphReader;
  tenantId: TenantId;
  catalog: LicenseCatalog;
  now: () => Date;
  /** How long a Teams answer is trusted; 0 asks Teams about every candidate. */
  teamsTtlMs: number;
  /**
   * Teams' own list of resource accounts (resource-account-sweep.ts), read once before the scan: these users are
   * resource accounts by Teams' word without a lookup each, whatever their state or department.
   */
  teamsResourceAccounts?: ReadonlyMap<UserId, TeamsUserConfiguration>;
}): Promise<AuditIdentifier> {
  const { store, graph, tenantId, catalog, now, teamsTtlMs } = args;
  const listed = new Map<UserId, TeamsUserConfiguration>(
    [...(args.teamsResourceAccounts ?? new Map<UserId, TeamsUserConfiguration>())].map(([id, c]) => [
      id.toLowerCase(),
      c,
    ]),
  );
  const registry = new Map<UserId, RegistryEntry>(
    (await store.registry.list(tenantId)).map((e) => [e.userId.toLowerCase(), e]),
  );
  const cached = new Map<UserId, IdentificationRecord>(
    (await store.identifications.listResourceAccounts(tenantId)).map((r) => [r.userId.toLowerCase(), r]),
  );
  const seen = new Set<UserId>();
  let teamsLookups = 0;

  const isCandidate = (snapshot: UserSnapshot, key: string): boolean =>
    snapshot.accountEnabled === false ||
    cached.has(key) ||
    resourceAccountDepartment(snapshot.department) !== null ||
    catalog.hasEnabledPlan(snapshot.assignedLicenses, MCOEV_VIRTUALUSER_PLAN_ID);

  return {
    async identify(snapshot) {
      const key = snapshot.userId.toLowerCase();
      seen.add(key);
      const entry = registry.get(key) ?? null;
      const fromList = entry === null ? (listed.get(key) ?? null) : null;
      const candidate = entry === null && (fromList !== null || isCandidate(snapshot, key));
      const previous = candidate ? await store.identifications.get(tenantId, snapshot.userId) : null;
      const due =
        fromList === null &&
        candidate &&
        shouldAskTeams({ snapshot, registry: entry, previous, now: now(), ttlMs: teamsTtlMs });
      if (due) teamsLookups++;
      const teams =
        fromList ?? (due ? await graph.getTeamsUserConfiguration(tenantId, snapshot.userId) : null);
      // Teams' list answered for this user just now, as a lookup would have.
      const asked = due || fromList !== null;
      const identification = identifyResourceAccount({
        snapshot,
        registry: entry,
        teams,
        applicationInstance: null,
        previous,
        catalog,
      });
      return { identification, previous, asked, tracked: entry !== null || candidate };
    },
    unseenCachedResourceAccounts: () =>
      [...cached].filter(([key]) => !seen.has(key)).map(([, record]) => record),
    get teamsLookups() {
      return teamsLookups;
    },
  };
}
