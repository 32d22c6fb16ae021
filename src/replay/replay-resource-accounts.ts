/**
 * Which accounts are resource accounts when an old event is replayed. Replay asks what ra-watch knows *now* (the
 * admin's registry and the identifications the worker keeps), never Graph: a replay of last month must not depend
 * on Graph being reachable, and today's knowledge is the point ("would we catch it now?"). The decision itself is
 * the worker's (`identifyResourceAccount`), so replay and live evaluation cannot drift apart; the conventions
 * (disabled + application-instance department, or holding MCOEV_VIRTUALUSER) apply when the store knows nothing.
 *
 * Speed: a range of a million events touches every account of the tenant, and a lookup per account would cost more
 * than reading the events. So the registry and the known resource accounts (both as small as the number of
 * resource accounts) are loaded once per tenant, and the store is asked about one more account only when a
 * convention would call it a resource account (Teams may have said it is an ordinary user: the license-on-user
 * case); those answers sit in a bounded cache.
 */
import type { LicenseChange, ResourceAccount, TenantId, UserSnapshot } from '../glossary';
import type { LicenseCatalog } from '../licensing/license-catalog';
import type { IdentificationRecord, RegistryEntry, Store } from '../store/store';
import {
  conventionDetail,
  identifyResourceAccount,
  toResourceAccount,
} from '../identification/identify-resource-account';
import { LruMap } from './lru-map';

/** Decides the resource account for one replayed change (null: an ordinary user). */
export type ResourceAccountFor = (
  change: LicenseChange,
  catalog: LicenseCatalog,
) => Promise<ResourceAccount | null> | ResourceAccount | null;

interface Knowledge {
  registry: RegistryEntry | null;
  previous: IdentificationRecord | null;
}

interface TenantKnowledge {
  registry: Map<string, RegistryEntry>;
  resourceAccounts: Map<string, IdentificationRecord>;
}

export function createStoredResourceAccountLookup(
  store: Pick<Store, 'registry' | 'identifications'>,
  options: { cacheSize?: number } = {},
): ResourceAccountFor {
  const tenants = new Map<string, Promise<TenantKnowledge>>();
  const others = new LruMap<string, IdentificationRecord | null>(options.cacheSize ?? 10_000);

  const tenantKnowledge = (tenantId: TenantId): Promise<TenantKnowledge> => {
    const key = tenantId.toLowerCase();
    let loading = tenants.get(key);
    if (loading === undefined) {
      loading = Promise.all([
        store.registry.list(tenantId),
        store.identifications.listResourceAccounts(tenantId),
      ]).then(([registry, identified]) => ({
        registry: new Map(registry.map((entry) => [entry.userId.toLowerCase(), entry])),
        resourceAccounts: new Map(identified.map((record) => [record.userId.toLowerCase(), record])),
      }));
      tenants.set(key, loading);
    }
    return loading;
  };

  const knowledgeOf = async (change: LicenseChange, catalog: LicenseCatalog): Promise<Knowledge> => {
    const tenant = await tenantKnowledge(change.tenantId);
    const userKey = change.userId.toLowerCase();
    const registry = tenant.registry.get(userKey) ?? null;
    const known = tenant.resourceAccounts.get(userKey);
    if (registry !== null || known !== undefined) return { registry, previous: known ?? null };
    const conventional = [change.after, change.before].some(
      (s) => s !== null && !s.deleted && conventionDetail(s, catalog) !== null,
    );
    if (!conventional) return { registry: null, previous: null };
    const cacheKey = `${change.tenantId.toLowerCase()}/${userKey}`;
    let previous = others.get(cacheKey);
    if (previous === undefined) {
      previous = await store.identifications.get(change.tenantId, change.userId);
      others.set(cacheKey, previous);
    }
    return { registry: null, previous };
  };

  return async (change, catalog) => {
    const knowledge = await knowledgeOf(change, catalog);
    const decide = (snapshot: UserSnapshot) =>
      toResourceAccount(
        snapshot,
        identifyResourceAccount({ snapshot, teams: null, applicationInstance: null, catalog, ...knowledge }),
      );
    const now = decide(change.after);
    if (now !== null || knowledge.registry !== null) return now;
    // An account that just lost its licenses no longer matches the license convention on `after`; the snapshot
    // before the change still shows what it was (the case that matters most: an RA stripped of every license).
    return change.before === null || change.before.deleted
      ? null
      : relabel(decide(change.before), change.after);
  };
}

/** The rules insist the account matches the snapshot they evaluate: identify by `before`, label as `after`. */
function relabel(account: ResourceAccount | null, after: UserSnapshot): ResourceAccount | null {
  return account === null ? null : { ...account, tenantId: after.tenantId, userId: after.userId };
}
