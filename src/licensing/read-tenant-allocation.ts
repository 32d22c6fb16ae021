/**
 * The tenant's allocation as it stands now, read from its two sources: the seats from subscribedSkus (Graph) and the
 * resource accounts as identified (the store's identification cache, registry decisions included). The worker's
 * tenant rules and the daily digest both report it, so both read it here.
 */
import type { Allocation, TenantId } from '../glossary';
import type { GraphReader } from '../graph/graph-reader';
import type { Store } from '../store/store';
import { allocationFromSkus } from './allocation';

/** The tenant's allocation: seats from subscribedSkus, resource accounts as identified (registry decisions included). */
export async function readTenantAllocation(
  ctx: {
    store: Pick<Store, 'identifications'>;
    graph: Pick<GraphReader, 'getSubscribedSkus'>;
    /** ALLOCATION_COUNT_TEAMS_ROOMS (default: Teams Rooms left out of the qualifying count). */
    countTeamsRooms?: boolean;
  },
  tenantId: TenantId,
): Promise<Allocation> {
  const [skus, resourceAccounts] = await Promise.all([
    ctx.graph.getSubscribedSkus(tenantId),
    ctx.store.identifications.listResourceAccounts(tenantId),
  ]);
  return allocationFromSkus(skus, resourceAccounts.length, { countTeamsRooms: ctx.countTeamsRooms === true });
}
