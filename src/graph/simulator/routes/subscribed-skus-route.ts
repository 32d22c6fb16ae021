/**
 * `GET /subscribedSkus`, shaped like subscribed-skus.json; consumedUnits counts the modelled users holding each SKU
 * plus the seats the seed says are used by people it does not model.
 */
import type { SimContext } from '../sim-context';
import { jsonResponse, type SimRequest, type SimResponse } from '../sim-exchange';

export function listSubscribedSkus(ctx: SimContext, req: SimRequest): SimResponse {
  const tenant = ctx.tenant(req.tenantId);
  return jsonResponse(200, {
    '@odata.context': `${ctx.baseUrl()}/v1.0/$metadata#subscribedSkus`,
    value: [...tenant.skus.values()].map((sku) => ({
      capabilityStatus: 'Enabled',
      consumedUnits: tenant.consumedUnits(sku.skuId),
      id: `${tenant.tenantId}_${sku.skuId}`,
      prepaidUnits: { enabled: sku.prepaidUnits, suspended: 0, warning: 0, lockedOut: 0 },
      servicePlans: sku.servicePlans.map((p) => ({
        servicePlanId: p.servicePlanId,
        servicePlanName: p.servicePlanName,
        provisioningStatus: 'Success',
        appliesTo: 'User',
      })),
      skuId: sku.skuId,
      skuPartNumber: sku.skuPartNumber,
      appliesTo: 'User',
      accountId: tenant.tenantId,
      accountName: tenant.accountName,
      subscriptionIds: [sku.subscriptionId],
    })),
  });
}
