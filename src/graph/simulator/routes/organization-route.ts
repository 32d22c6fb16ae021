/**
 * `GET /organization` (the tenant's name and domains: https://learn.microsoft.com/graph/api/organization-get,
 * shape per https://learn.microsoft.com/graph/api/resources/organization: `id`, `displayName`, `verifiedDomains[]`
 * with `name`, `isDefault`, `isInitial`, `type`, `capabilities`). ra-watch reads it for its tenant registry (issue 19);
 * `GET /groups` is groups-route.ts.
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
