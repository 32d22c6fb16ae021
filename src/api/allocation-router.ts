/**
 * `GET /api/allocation`: the tenant's free resource-account license allocation (DOMAIN.md §2), read from the tenant
 * itself: qualifying and purchased seats from `subscribedSkus`, resource accounts from the registry and the accounts
 * ra-watch identified (the registry wins both ways). The counting basis is stated so an admin can check it.
 */
import express, { type Router } from 'express';
import type { Allocation, TenantId } from '../glossary';
import type { GraphReader } from '../graph/graph-reader';
import { sendJsonError } from '../http/error-body';
import { allocationFromSkus } from '../licensing/allocation';
import type { Store } from '../store/store';

export interface AllocationAnswer extends Allocation {
  tenantId: TenantId;
  /** How `needed` was counted. */
  resourceAccountsBasis: string;
}

/** Resource accounts the store knows: registry declarations, plus identified ones the registry does not exclude. */
export async function countKnownResourceAccounts(
  store: Store,
  tenantId: TenantId,
): Promise<{ count: number; basis: string }> {
  const [registry, identified] = await Promise.all([
    store.registry.list(tenantId),
    store.identifications.listResourceAccounts(tenantId),
  ]);
  const excluded = new Set(registry.filter((e) => !e.isResourceAccount).map((e) => e.userId.toLowerCase()));
  const declared = new Set(registry.filter((e) => e.isResourceAccount).map((e) => e.userId.toLowerCase()));
  const inferred = new Set(
    identified.map((r) => r.userId.toLowerCase()).filter((id) => !excluded.has(id) && !declared.has(id)),
  );
  return {
    count: declared.size + inferred.size,
    basis:
      `${declared.size} declared in the registry + ${inferred.size} identified by ra-watch (Teams configuration or conventions` +
      `${excluded.size > 0 ? `; ${excluded.size} excluded by the registry` : ''}). Run an audit (POST /api/audit) to refresh the identification.`,
  };
}

export function createAllocationRouter(options: {
  graph: GraphReader;
  store: Store;
  tenantId: TenantId | null;
  /** ALLOCATION_COUNT_TEAMS_ROOMS. */
  countTeamsRooms?: boolean;
}): Router {
  const router = express.Router();
  // Graph throttling or refusing (a typed error) is answered by the API router (api-router.ts).
  router.get('/', async (_req, res) => {
    const { tenantId } = options;
    if (tenantId === null) {
      return sendJsonError(
        res,
        409,
        'no-tenant',
        'No tenant is configured (AZURE_TENANT_ID): without one, use `ra-watch allocation --qualifying-licenses N --resource-accounts N`.',
      );
    }
    const [skus, accounts] = await Promise.all([
      options.graph.getSubscribedSkus(tenantId, { fresh: true }),
      countKnownResourceAccounts(options.store, tenantId),
    ]);
    const answer: AllocationAnswer = {
      tenantId,
      ...allocationFromSkus(skus, accounts.count, { countTeamsRooms: options.countTeamsRooms === true }),
      resourceAccountsBasis: accounts.basis,
    };
    res.json(answer);
  });
  return router;
}
