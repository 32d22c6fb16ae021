/**
 * The tenants ra-watch watches right now (issue 19): a live list read from the tenant registry, so a tenant added or
 * removed through the API or the CLI is picked up by the loops (delta reconcile, digest) on their next round, in
 * this process and in every replica. Tenants the caller names at start (the demo's) are watched too.
 */
import type { TenantId } from '../glossary';
import type { Store } from '../store/store';

export interface WatchedTenants {
  /** Ids of every tenant being watched (registry status active or blind), the configured ones first. */
  list(): Promise<TenantId[]>;
}

export function createWatchedTenants(store: Store, alsoWatched: readonly TenantId[] = []): WatchedTenants {
  return {
    async list() {
      const fromRegistry = (await store.tenants.list())
        .filter((t) => t.status === 'active' || t.status === 'blind')
        .map((t) => t.id);
      return [...new Set([...alsoWatched.map((id) => id.toLowerCase()), ...fromRegistry])];
    },
  };
}

/** A fixed list, for callers (tests, one-off tools) that have no registry. */
export function fixedTenants(ids: readonly TenantId[]): WatchedTenants {
  return { list: () => Promise.resolve([...ids]) };
}
