/**
 * `GET /organization` (the tenant's name and domains: https://learn.microsoft.com/graph/api/organization-get,
 * shape per https://learn.microsoft.com/graph/api/resources/organization: `id`, `displayName`, `verifiedDomains[]`
 * with `name`, `isDefault`, `isInitial`, `type`, `capabilities`) and `GET /groups` (the first page, ids and names:
 * what a permission check reads). ra-watch reads both for its tenant registry (issue 19).
 */
import type { SimContext } from '../sim-context';
import { jsonResponse, type SimRequest, type SimResponse } from '../sim-exchange';

export function listOrganization(ctx: SimContext, req: SimRequest): SimResponse {
  const tenant = ctx.tenant(req.tenantId);
  return jsonResponse(200, {
    '@odata.context': `${ctx.baseUrl()}/v1.0/$metadata#organization`,
    value: [
      {
        id: tenant.tenantId,
        displayName: tenant.displayName,
        tenantType: 'AAD',
        verifiedDomains: [
          {
            capabilities: 'Email, OfficeCommunicationsOnline',
            isDefault: true,
            isInitial: true,
            name: tenant.domain,
            type: 'Managed',
          },
        ],
      },
    ],
  });
}

export function listGroups(ctx: SimContext, req: SimRequest): SimResponse {
  const tenant = ctx.tenant(req.tenantId);
  const top = Number(req.query.get('$top') ?? '100');
  const groups = [...tenant.groups.values()].slice(0, Number.isFinite(top) && top > 0 ? top : 100);
  return jsonResponse(200, {
    '@odata.context': `${ctx.baseUrl()}/v1.0/$metadata#groups(id,displayName)`,
    value: groups.map((g) => ({ id: g.id, displayName: g.displayName })),
  });
}
