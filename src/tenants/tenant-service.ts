/**
 * Tenants as first-class (issue 19): add, list, check and remove the tenants ra-watch watches, behind both the API
 * (`/api/tenants`) and the CLI (`ra-watch tenants`).
 *
 * - add: resolve a domain to its tenant id (a token of that tenant, then `GET /organization`), check the tenant
 *   (permission-probe.ts), keep it in the registry with its names, and when it can be watched subscribe to its user
 *   changes and take its baseline audit. Not consented yet: kept as `pending-consent` with the admin-consent link;
 *   `check` after the consent starts watching.
 * - remove: delete its subscriptions in Graph (the loops stop finding it: they read the registry), mark it removed;
 *   `purge` also deletes every stored row of it.
 */
import { describeError } from '../errors';
import type { TenantId } from '../glossary';
import type { GraphHttp } from '../graph/client/graph-http';
import type { TokenProvider } from '../graph/client/credential';
import type { Logger } from '../logger';
import type { Store, TenantRecord, TenantStatus } from '../store/store';
import type { DeltaReconciler } from '../subscriptions/delta-reconcile';
import type { SubscriptionManager } from '../subscriptions/subscription-manager';
import { adminConsentUrl } from './consent-url';
import { readOrganization } from './organization';
import { probeTenant, type TenantCheck } from './permission-probe';
import { parseTenantRef, TENANT_REF_HINT } from './tenant-ref';
import { tenantLabel } from './tenant-names';
import type { BlindWatch } from './watch-blind';
import { registerTenants } from './register-tenants';

export { registerTenants } from './register-tenants';

/** A tenant as the API and the CLI show it. */
export interface TenantView extends TenantRecord {
  /** "Contoso Ltd (contoso.onmicrosoft.com)", or null while the names are unknown. */
  label: string | null;
  /** The admin-consent link (null when AZURE_CLIENT_ID is not configured). */
  consentUrl: string | null;
  activeSubscriptions: number;
}

export interface AddOutcome {
  tenant: TenantView;
  check: TenantCheck;
  /** It was in the registry already (and watched): nothing new was started. */
  alreadyWatched: boolean;
  /** Subscriptions created and baseline started (both only when the check passed). */
  subscribed: boolean;
  baseline: 'taken' | 'started' | 'not started';
}

export interface RemoveOutcome {
  tenantId: TenantId;
  deletedSubscriptions: string[];
  /** Subscriptions Graph could not delete now (they lapse on their own within 3 days); the rows are gone. */
  subscriptionErrors: Array<{ id: string; error: string }>;
  purged: Record<string, number> | null;
}

/** Bad input from the caller (400). */
export class TenantInputError extends Error {
  constructor(
    message: string,
    readonly consentUrl: string | null = null,
  ) {
    super(message);
    this.name = 'TenantInputError';
  }
}

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

  const view = async (record: TenantRecord): Promise<TenantView> => ({
    ...record,
    label: tenantLabel(record),
    consentUrl: consentUrlFor(record.id),
    activeSubscriptions: (await store.subscriptions.list(record.id)).filter((s) => s.status === 'active')
      .length,
  });

  const probe = (tenantId: TenantId) =>
    probeTenant(
      { http: deps.http, tokenProvider: deps.tokenProvider, consentUrl: consentUrlFor(tenantId), now },
      tenantId,
    );

  /** Subscribes (when no active subscription exists) and takes the baseline; failures are the status detail. */
  const startWatching = async (
    tenantId: TenantId,
    baseline: 'wait' | 'background',
  ): Promise<{ subscribed: boolean; baseline: AddOutcome['baseline']; problem: string | null }> => {
    let problem: string | null = null;
    let subscribed = false;
    try {
      const active = (await deps.subscriptions.list(tenantId)).filter((s) => s.status === 'active');
      if (active.length === 0) await deps.subscriptions.create({ tenantId, resource: 'users' });
      subscribed = true;
    } catch (error) {
      // Without a subscription the delta reconcile still finds every change, only later: say so, keep going.
      problem = `No change-notification subscription (changes are found by the periodic delta pass only): ${describeError(error)}`;
      logger.warn({ tenantId, err: describeError(error) }, 'tenant added without a subscription');
    }
    const run = deps.reconciler.resync(tenantId, 'baseline');
    if (baseline === 'wait') {
      await run;
      return { subscribed, baseline: 'taken', problem };
    }
    run.catch((error: unknown) =>
      logger.error(
        { tenantId, err: describeError(error) },
        'baseline audit of a new tenant failed; the next reconcile round retries',
      ),
    );
    return { subscribed, baseline: 'started', problem };
  };

  const statusOf = (check: TenantCheck): { status: TenantStatus; detail: string | null } =>
    check.ok ? { status: 'active', detail: null } : { status: 'pending-consent', detail: check.fix };

  /** Names from Graph when the check could read them; otherwise what the registry already had. */
  const namesAfter = async (tenantId: string, check: TenantCheck, previous: TenantRecord | null) => {
    const orgReadable = check.permissions.some((p) => p.permission === 'Organization.Read.All' && p.ok);
    if (!orgReadable)
      return { displayName: previous?.displayName ?? null, defaultDomain: previous?.defaultDomain ?? null };
    try {
      const org = await readOrganization(deps.http, tenantId);
      return { displayName: org.displayName, defaultDomain: org.defaultDomain };
    } catch {
      return { displayName: previous?.displayName ?? null, defaultDomain: previous?.defaultDomain ?? null };
    }
  };

  return {
    async list() {
      return Promise.all((await store.tenants.list()).map(view));
    },
    async get(id) {
      const record = await store.tenants.get(id);
      return record === null ? null : view(record);
    },
    async add(ref, options) {
      const parsed = parseTenantRef(ref);
      if (parsed === null) throw new TenantInputError(`${JSON.stringify(ref)} is not ${TENANT_REF_HINT}.`);
      let tenantId: string;
      if (parsed.kind === 'id') {
        tenantId = parsed.id;
      } else {
        try {
          tenantId = (await readOrganization(deps.http, parsed.domain)).id;
        } catch (error) {
          const url = consentUrlFor(parsed.domain);
          throw new TenantInputError(
            `Could not find the tenant of ${parsed.domain} (${describeError(error)}). Add it by its tenant id, or consent first${url === null ? '' : ` (${url})`} and try again.`,
            url,
          );
        }
      }
      const previous = await store.tenants.get(tenantId);
      const check = await probe(tenantId);
      const names = await namesAfter(tenantId, check, previous);
      const alreadyWatched = previous !== null && previous.status !== 'removed';
      const { status, detail } = statusOf(check);
      let record: TenantRecord = {
        id: tenantId,
        ...names,
        status,
        statusDetail: detail,
        addedAt: alreadyWatched ? previous.addedAt : now().toISOString(),
        addedBy: alreadyWatched ? previous.addedBy : options.by,
        checkedAt: check.checkedAt,
        settings: previous?.settings ?? {},
      };
      await store.tenants.put(record);
      let started: Awaited<ReturnType<typeof startWatching>> = {
        subscribed: false,
        baseline: 'not started',
        problem: null,
      };
      if (check.ok) {
        started = await startWatching(tenantId, options.baseline);
        if (started.problem !== null) {
          record = { ...record, statusDetail: started.problem };
          await store.tenants.put(record);
        }
      }
      logger.info({ tenantId, status, by: options.by, subscribed: started.subscribed }, 'tenant added');
      return {
        tenant: await view(record),
        check,
        alreadyWatched,
        subscribed: started.subscribed,
        baseline: started.baseline,
      };
    },
    async check(id, options = {}) {
      const previous = await store.tenants.get(id);
      if (previous === null) return null;
      const check = await probe(previous.id);
      const names = await namesAfter(previous.id, check, previous);
      const { status, detail } = statusOf(check);
      const watchedBefore = previous.status === 'active' || previous.status === 'blind';
      let record: TenantRecord = {
        ...previous,
        ...names,
        // A removed tenant stays removed until added again; a watched one that fails is blind (and still tried).
        status: previous.status === 'removed' ? 'removed' : watchedBefore && !check.ok ? 'blind' : status,
        statusDetail: detail,
        checkedAt: check.checkedAt,
      };
      await store.tenants.put(record);
      // A watched tenant that fails its check cannot be watched: say so on the operator's channels (watch.blind).
      if (deps.blind !== undefined && watchedBefore) {
        await deps.blind.report(
          previous.id,
          check.ok
            ? null
            : {
                cause: check.token.ok ? 'permission' : 'consent',
                detail: check.fix ?? 'check failed',
                fix: check.fix ?? 'Run ra-watch tenants check.',
              },
        );
        record = (await store.tenants.get(previous.id)) ?? record;
      }
      // Consent given since it was added: start watching now.
      if (check.ok && previous.status === 'pending-consent') {
        const started = await startWatching(previous.id, options.baseline ?? 'background');
        if (started.problem !== null) {
          record = { ...record, statusDetail: started.problem };
          await store.tenants.put(record);
        }
      }
      return { tenant: await view(record), check };
    },
    async remove(id, options) {
      const previous = await store.tenants.get(id);
      if (previous === null) return null;
      const deletedSubscriptions: string[] = [];
      const subscriptionErrors: RemoveOutcome['subscriptionErrors'] = [];
      for (const subscription of await store.subscriptions.list(previous.id)) {
        try {
          await deps.subscriptions.delete(subscription.id);
          deletedSubscriptions.push(subscription.id);
        } catch (error) {
          // Graph refuses (consent already revoked): the row goes anyway, the subscription lapses on its own.
          await store.subscriptions.delete(subscription.id);
          subscriptionErrors.push({ id: subscription.id, error: describeError(error) });
        }
      }
      let purged: Record<string, number> | null = null;
      if (options.purge) {
        purged = await store.tenants.purgeData(previous.id);
        await store.tenants.delete(previous.id);
      } else {
        await store.tenants.put({
          ...previous,
          status: 'removed',
          statusDetail: `removed at ${now().toISOString()}`,
        });
      }
      logger.info({ tenantId: previous.id, purge: options.purge, deletedSubscriptions }, 'tenant removed');
      return { tenantId: previous.id, deletedSubscriptions, subscriptionErrors, purged };
    },
    consentUrlFor,
    ensureRegistered: (ids, by) => registerTenants(store, ids, by, now),
  };
}
