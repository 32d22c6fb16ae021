/**
 * `GET /groups`: the tenant's groups (the licensing groups of the seed), `id` and `displayName` only. ra-watch does
 * not read groups itself; it subscribes to their membership changes, and `ra-watch doctor` lists one group to learn
 * whether Group.Read.All was granted (https://learn.microsoft.com/en-us/graph/api/group-list). `$top` honoured, no
 * paging: seeds have a handful of groups.
 */
import { pageSize } from '../page-token';
import type { SimContext } from '../sim-context';
import { jsonResponse, type SimRequest, type SimResponse } from '../sim-exchange';

export function listGroups(ctx: SimContext, req: SimRequest): SimResponse {
  const tenant = ctx.tenant(req.tenantId);
  const top = pageSize(req.query.get('$top'), 100, 999);
  const groups = [...tenant.groups.values()].sort((a, b) => a.id.localeCompare(b.id)).slice(0, top);
  return jsonResponse(200, {
    '@odata.context': `${ctx.baseUrl()}/v1.0/$metadata#groups(id,displayName)`,
    value: groups.map((g) => ({ id: g.id, displayName: g.displayName })),
  });
}
