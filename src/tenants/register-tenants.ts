/**
 * Tenants watched by configuration (AZURE_TENANT_ID) go in the registry at start with no other step (issue 19), so a
 * single-tenant install is listed, named after a check, and reported blind like any other.
 */
import type { TenantId } from '../glossary';
import type { Store } from '../store/store';

/** Puts tenants watched by configuration in the registry as active, once (names unknown until a check). */
export async function registerTenants(
  store: Store,
  ids: readonly TenantId[],
  by: string,
  now: () => Date = () => new Date(),
): Promise<void> {
  for (const id of ids) {
    if ((await store.tenants.get(id)) !== null) continue;
    await store.tenants.put({
      id,
      displayName: null,
      defaultDomain: null,
      status: 'active',
      statusDetail: null,
      addedAt: now().toISOString(),
      addedBy: by,
      checkedAt: null,
      settings: {},
    });
  }
}
