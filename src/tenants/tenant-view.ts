/**
 * A tenant as the API and the CLI show it: the registry record with its label, its admin-consent link and how many
 * active subscriptions it has.
 */
import type { TenantId } from '../glossary';
import type { Store, TenantRecord } from '../store/store';
import { tenantLabel } from './tenant-names';

export interface TenantView extends TenantRecord {
  /** "Contoso Ltd (contoso.onmicrosoft.com)", or null while the names are unknown. */
  label: string | null;
  /** The admin-consent link (null when AZURE_CLIENT_ID is not configured). */
  consentUrl: string | null;
  activeSubscriptions: number;
}

export function tenantViewer(
  store: Pick<Store, 'subscriptions'>,
  consentUrlFor: (tenant: TenantId) => string | null,
): (record: TenantRecord) => Promise<TenantView> {
  return async (record) => ({
    ...record,
    label: tenantLabel(record),
    consentUrl: consentUrlFor(record.id),
    activeSubscriptions: (await store.subscriptions.list(record.id)).filter((s) => s.status === 'active')
      .length,
  });
}
