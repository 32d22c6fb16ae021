/**
 * Onboarding a tenant (issue 19): `add` resolves a domain to its tenant id (a token of that tenant, then
 * `GET /organization`), checks the tenant (permission-probe.ts), keeps it in the registry with its names, and when
 * it can be watched subscribes to its user changes and takes its baseline audit. Not consented yet: kept as
 * `pending-consent` with the admin-consent link; `check` after the consent starts watching, and a watched tenant
 * whose check fails turns blind (`watch.blind`).
 */
import { describeError } from '../errors';
import type { TenantId } from '../glossary';
import type { TokenProvider } from '../graph/client/credential';
import type { GraphHttp } from '../graph/client/graph-http';
import type { Logger } from '../logger';
import type { Store, TenantRecord, TenantStatus } from '../store/store';
import type { DeltaReconciler } from '../subscriptions/delta-reconcile';
import type { SubscriptionManager } from '../subscriptions/subscription-manager';
import { readOrganization } from './organization';
import type { TenantDiscovery } from './tenant-discovery';
import { probeTenant, type TenantCheck } from './permission-probe';
import { parseTenantRef, TENANT_REF_HINT } from './tenant-ref';
import type { TenantView } from './tenant-view';
import type { BlindWatch } from './watch-blind';

export interface AddOutcome {
  tenant: TenantView;
  check: TenantCheck;
  /** It was in the registry already (and watched): nothing new was started. */
  alreadyWatched: boolean;
  /** Subscriptions created and baseline started (both only when the check passed). */
  subscribed: boolean;
  baseline: 'taken' | 'started' | 'not started';
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

export interface TenantOnboardingDeps {
  store: Store;
  logger: Logger;
  http: GraphHttp;
  tokenProvider: TokenProvider;
  subscriptions: Pick<SubscriptionManager, 'list' | 'create'>;
  reconciler: Pick<DeltaReconciler, 'resync'>;
  blind?: BlindWatch | undefined;
  consentUrlFor: (tenant: string) => string | null;
  /** A domain's tenant id from Entra's discovery document, before consent (tenant-discovery.ts). */
  discoverTenant?: TenantDiscovery | undefined;
  view: (record: TenantRecord) => Promise<TenantView>;
  now: () => Date;
}

/** Function properties, not methods: the service hands them on as `add: onboarding.add`. */
export interface TenantOnboarding {
  add: (ref: string, options: { by: string | null; baseline: 'wait' | 'background' }) => Promise<AddOutcome>;
  check: (
    id: TenantId,
    options?: { baseline?: 'wait' | 'background' },
  ) => Promise<{ tenant: TenantView; check: TenantCheck } | null>;
}

export function tenantOnboarding(deps: TenantOnboardingDeps): TenantOnboarding {
  const { store, logger, now, view, consentUrlFor } = deps;

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

  /**
   * Entra's discovery document first: it answers before the tenant has consented, so a new customer added by its
   * domain gets its consent link. `GET /organization` (the tenant's own token) is the fallback, for an authority that
   * serves no discovery document; when both fail, the error says why each did.
   */
  const tenantIdOfDomain = async (domain: string): Promise<string> => {
    let discoveryError: unknown = null;
    if (deps.discoverTenant !== undefined) {
      try {
        return await deps.discoverTenant(domain);
      } catch (error) {
        discoveryError = error;
      }
    }
    try {
      return (await readOrganization(deps.http, domain)).id;
    } catch (error) {
      const url = consentUrlFor(domain);
      const why = discoveryError === null ? '' : `${describeError(discoveryError)}; `;
      throw new TenantInputError(
        `Could not find the tenant of ${domain} (${why}${describeError(error)}). Add it by its tenant id, or consent first${url === null ? '' : ` (${url})`} and try again.`,
        url,
      );
    }
  };

  return {
    async add(ref, options) {
      const parsed = parseTenantRef(ref);
      if (parsed === null) throw new TenantInputError(`${JSON.stringify(ref)} is not ${TENANT_REF_HINT}.`);
      const tenantId = parsed.kind === 'id' ? parsed.id : await tenantIdOfDomain(parsed.domain);
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
  };
}
