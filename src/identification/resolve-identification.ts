/**
 * Gathers what `identifyResourceAccount` decides from (registry, cached answer, Teams when due, application
 * instance), and keeps the cache (`store.identifications`) current. The cache is also what the tenant allocation
 * counts ("resource accounts that need a license"), so every decision that differs from it is written back,
 * including registry decisions and deletions.
 */
import type { ResourceAccount, TenantId, UserId, UserSnapshot } from '../glossary';
import type { GraphReader } from '../graph/graph-reader';
import type { LicenseCatalog } from '../licensing/license-catalog';
import type { IdentificationRecord, Store } from '../store/store';
import {
  identifyResourceAccount,
  shouldAskTeams,
  toResourceAccount,
  type Application,
  type Identification,
} from './identify-resource-account';

/**
 * What resolving an identification reads and writes. The worker's context is one (structurally): identification
 * does not import the worker, so the audit and replay can share it without depending on the worker.
 */
export interface IdentificationContext {
  store: Pick<Store, 'registry' | 'identifications'>;
  graph: Pick<GraphReader, 'getTeamsUserConfiguration'>;
  now: () => Date;
  settings: { identificationTtlMs: number };
  /** The application instance an account is bound to, when the deployment can know it; undefined skips that source. */
  applicationInstanceOf:
    ((tenantId: TenantId, userId: UserId) => Promise<Exclude<Application, 'unknown'> | null>) | undefined;
}

export interface ResolvedIdentification {
  identification: Identification;
  resourceAccount: ResourceAccount | null;
  /** Whether the account went from resource account to not (or back) compared with the cache. */
  changed: boolean;
}

export async function resolveIdentification(
  ctx: IdentificationContext,
  snapshot: UserSnapshot,
  catalog: LicenseCatalog,
): Promise<ResolvedIdentification> {
  const { tenantId, userId } = snapshot;
  const now = ctx.now();
  const [registry, previous] = await Promise.all([
    ctx.store.registry.get(tenantId, userId),
    ctx.store.identifications.get(tenantId, userId),
  ]);

  let identification: Identification;
  let asked = false;
  if (snapshot.deleted) {
    // A deleted account needs no license and must stop counting toward the allocation, whatever the registry says.
    identification = {
      isResourceAccount: false,
      identifiedBy: null,
      detail: `deleted in Graph (seen ${snapshot.observedAt})`,
      application: 'unknown',
    };
  } else {
    asked = shouldAskTeams({ snapshot, registry, previous, now, ttlMs: ctx.settings.identificationTtlMs });
    const teams = asked ? await ctx.graph.getTeamsUserConfiguration(tenantId, userId) : null;
    const applicationInstance =
      registry === null && teams === null && ctx.applicationInstanceOf !== undefined
        ? await ctx.applicationInstanceOf(tenantId, userId)
        : null;
    identification = identifyResourceAccount({
      snapshot,
      registry,
      teams,
      applicationInstance,
      previous,
      catalog,
    });
  }

  const changed = (previous?.isResourceAccount ?? false) !== identification.isResourceAccount;
  if (asked || previous === null || differs(previous, identification)) {
    await ctx.store.identifications.put({
      tenantId,
      userId,
      ...identification,
      // checkedAt dates the Teams answer the record carries: keep it when Teams was not asked.
      checkedAt: asked || previous === null ? now.toISOString() : previous.checkedAt,
    });
  }
  return { identification, resourceAccount: toResourceAccount(snapshot, identification), changed };
}

/**
 * The resource account as the cache and registry know it, without asking Graph: the swap follow-up runs minutes
 * after the change that was identified then.
 */
export async function knownResourceAccount(
  ctx: Pick<IdentificationContext, 'store'>,
  snapshot: UserSnapshot,
): Promise<ResourceAccount | null> {
  const registry = await ctx.store.registry.get(snapshot.tenantId, snapshot.userId);
  if (registry !== null) {
    return registry.isResourceAccount
      ? {
          tenantId: snapshot.tenantId,
          userId: snapshot.userId,
          identifiedBy: 'registry',
          detail: registry.note ?? 'registry',
          application: registry.application,
        }
      : null;
  }
  const record = await ctx.store.identifications.get(snapshot.tenantId, snapshot.userId);
  if (record === null || !record.isResourceAccount || record.identifiedBy === null) return null;
  return {
    tenantId: snapshot.tenantId,
    userId: snapshot.userId,
    identifiedBy: record.identifiedBy,
    detail: record.detail,
    application: record.application,
  };
}

function differs(previous: IdentificationRecord, next: Identification): boolean {
  return (
    previous.isResourceAccount !== next.isResourceAccount ||
    previous.identifiedBy !== next.identifiedBy ||
    previous.detail !== next.detail ||
    previous.application !== next.application
  );
}
