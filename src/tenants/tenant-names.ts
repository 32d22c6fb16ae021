/**
 * How a tenant is named to people (issue 19): "Contoso Ltd (contoso.onmicrosoft.com)", from the registry's copy of
 * Graph's `GET /organization`; the id alone while the names are unknown. Alert formatters get the label; the id
 * stays beside it wherever an admin may need it (a support case, a script).
 */
import type { TenantId } from '../glossary';
import type { Store, TenantRecord } from '../store/store';

/** "Contoso Ltd (contoso.onmicrosoft.com)", "contoso.onmicrosoft.com", "Contoso Ltd", or null when neither is known. */
export function tenantLabel(
  tenant: Pick<TenantRecord, 'displayName' | 'defaultDomain'> | null,
): string | null {
  if (tenant === null) return null;
  const { displayName, defaultDomain } = tenant;
  if (displayName !== null && defaultDomain !== null) return `${displayName} (${defaultDomain})`;
  return displayName ?? defaultDomain;
}

/** The label with the id: "Contoso Ltd (contoso.onmicrosoft.com) · 5f1c…", or the id alone. */
export function tenantText(tenantId: TenantId, label: string | null | undefined): string {
  return label === null || label === undefined ? tenantId : `${label} · ${tenantId}`;
}

/** Every tenant label the registry knows, by id (CLI tables). */
export async function tenantLabels(store: Store): Promise<Map<TenantId, string>> {
  const labels = new Map<TenantId, string>();
  for (const record of await store.tenants.list()) {
    const label = tenantLabel(record);
    if (label !== null) labels.set(record.id, label);
  }
  return labels;
}

/** Resolves a tenant's label from the registry; a short cache keeps a burst of alerts to one read per tenant. */
export function createTenantNamer(
  store: Store,
  ttlMs = 30_000,
  now: () => number = Date.now,
): (tenantId: TenantId) => Promise<string | null> {
  const cache = new Map<TenantId, { label: string | null; at: number }>();
  return async (tenantId) => {
    const cached = cache.get(tenantId);
    if (cached !== undefined && now() - cached.at < ttlMs) return cached.label;
    const label = tenantLabel(await store.tenants.get(tenantId));
    cache.set(tenantId, { label, at: now() });
    return label;
  };
}
