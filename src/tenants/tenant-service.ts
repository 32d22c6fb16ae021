/**
 * Tenants as first-class (issue 19): add, list, check and remove the tenants ra-watch watches, behind both the API
 * (`/api/tenants`) and the CLI (`ra-watch tenants`). This assembles the parts, one concept each: the view
 * (tenant-view.ts), onboarding with its checks (tenant-onboarding.ts) and removal (tenant-removal.ts).
 */
import type { TenantId } from '../glossary';
import type { GraphHttp } from '../graph/client/graph-http';
import type { TokenProvider } from '../graph/client/credential';
import type { Logger } from '../logger';
import type { Store } from '../store/store';
import type { DeltaReconciler } from '../subscriptions/delta-reconcile';
import type { SubscriptionManager } from '../subscriptions/subscription-manager';
import { adminConsentUrl } from './consent-url';
import type { TenantCheck } from './permission-probe';
import { registerTenants } from './register-tenants';
import { tenantOnboarding, type AddOutcome } from './tenant-onboarding';
import type { TenantDiscovery } from './tenant-discovery';
import { tenantRemover, type RemoveOutcome } from './tenant-removal';
import { tenantViewer, type TenantView } from './tenant-view';
import type { BlindWatch } from './watch-blind';

export { registerTenants } from './register-tenants';
export { TenantInputError, type AddOutcome } from './tenant-onboarding';
export type { RemoveOutcome } from './tenant-removal';
export type { TenantView } from './tenant-view';

export interface TenantServiceDeps {
  store: Store;
  logger: Logger;
  /** Graph for tenant-level calls (organization, probes), with the app's token provider. */
  http: GraphHttp;
  tokenProvider: TokenProvider;
  subscriptions: SubscriptionManager;
  reconciler: Pick<DeltaReconciler, 'resync'>;
  /** `watch.blind` (watch-blind.ts): a check of a watched tenant that fails raises it, one that passes resolves it. */
  blind?: BlindWatch;
  consent: {
    clientId: string | null;
    authorityHost?: string | undefined;
    graphBaseUrl: string;
    publicBaseUrl: string | null;
  };
  /** A domain's tenant id before consent (tenant-discovery.ts); absent: `GET /organization` only. */
  discoverTenant?: TenantDiscovery;
  now?: () => Date;
}

export interface TenantService {
  list(): Promise<TenantView[]>;
  get(id: TenantId): Promise<TenantView | null>;
  /** `baseline: 'wait'` (the CLI) returns after the baseline audit; 'background' (the API) starts it. */
  add(ref: string, options: { by: string | null; baseline: 'wait' | 'background' }): Promise<AddOutcome>;
  check(
    id: TenantId,
    options?: { baseline?: 'wait' | 'background' },
  ): Promise<{ tenant: TenantView; check: TenantCheck } | null>;
  remove(id: TenantId, options: { purge: boolean }): Promise<RemoveOutcome | null>;
  /** The admin-consent link for a tenant (null without AZURE_CLIENT_ID). */
  consentUrlFor(tenant: string): string | null;
  /** Puts tenants watched by configuration (AZURE_TENANT_ID, the demo's) in the registry, once. */
  ensureRegistered(ids: readonly TenantId[], by: string): Promise<void>;
}

export function createTenantService(deps: TenantServiceDeps): TenantService {
  const { store, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const consentUrlFor = (tenant: string): string | null =>
    deps.consent.clientId === null
      ? null
      : adminConsentUrl({ ...deps.consent, clientId: deps.consent.clientId, tenant });
  const view = tenantViewer(store, consentUrlFor);
  const onboarding = tenantOnboarding({
    store,
    logger,
    http: deps.http,
    tokenProvider: deps.tokenProvider,
    subscriptions: deps.subscriptions,
    reconciler: deps.reconciler,
    blind: deps.blind,
    consentUrlFor,
    discoverTenant: deps.discoverTenant,
    view,
    now,
  });

  return {
    async list() {
      return Promise.all((await store.tenants.list()).map(view));
    },
    async get(id) {
      const record = await store.tenants.get(id);
      return record === null ? null : view(record);
    },
    add: onboarding.add,
    check: onboarding.check,
    remove: tenantRemover({ store, logger, subscriptions: deps.subscriptions, now }),
    consentUrlFor,
    ensureRegistered: (ids, by) => registerTenants(store, ids, by, now),
  };
}
