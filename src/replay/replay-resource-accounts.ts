/**
 * Which accounts are resource accounts when an old event is replayed. Replay asks what ra-watch knows *now* (the
 * admin's registry and the cached identification the worker keeps), never Graph: a replay of last month must not
 * depend on Graph being reachable, and today's knowledge is the point ("would we catch it now?"). The decision
 * itself is the worker's (`identifyResourceAccount`), so replay and live evaluation cannot drift apart; the
 * conventions (disabled + application-instance department, or holding MCOEV_VIRTUALUSER) apply when the store
 * knows nothing of the account.
 */
import type { LicenseChange, ResourceAccount, UserSnapshot } from '../glossary';
import type { LicenseCatalog } from '../licensing/license-catalog';
import type { IdentificationRecord, RegistryEntry, Store } from '../store/store';
import { identifyResourceAccount, toResourceAccount } from '../worker/identify-resource-account';
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

/** Looks accounts up in the store's registry and identifications, a bounded number of accounts cached. */
export function createStoredResourceAccountLookup(
  store: Pick<Store, 'registry' | 'identifications'>,
  options: { cacheSize?: number } = {},
): ResourceAccountFor {
  const cache = new LruMap<string, Knowledge>(options.cacheSize ?? 10_000);

  const knowledgeOf = async (tenantId: string, userId: string): Promise<Knowledge> => {
    const key = `${tenantId.toLowerCase()}/${userId.toLowerCase()}`;
    const cached = cache.get(key);
    if (cached !== undefined) return cached;
    const [registry, previous] = await Promise.all([
      store.registry.get(tenantId, userId),
      store.identifications.get(tenantId, userId),
    ]);
    const knowledge = { registry, previous };
    cache.set(key, knowledge);
    return knowledge;
  };

  return async (change, catalog) => {
    const knowledge = await knowledgeOf(change.tenantId, change.userId);
    const decide = (snapshot: UserSnapshot) =>
      toResourceAccount(
        snapshot,
        identifyResourceAccount({ snapshot, teams: null, applicationInstance: null, catalog, ...knowledge }),
      );
    const now = decide(change.after);
    if (now !== null || knowledge.registry !== null) return now;
    // An account that just lost its licenses no longer matches the license convention on `after`; the snapshot
    // before the change still shows what it was (the case that matters most: an RA stripped of every license).
    return change.before === null || change.before.deleted ? null : relabel(decide(change.before), change.after);
  };
}

/** The rules insist the account matches the snapshot they evaluate: identify by `before`, label as `after`. */
function relabel(account: ResourceAccount | null, after: UserSnapshot): ResourceAccount | null {
  return account === null ? null : { ...account, tenantId: after.tenantId, userId: after.userId };
}
