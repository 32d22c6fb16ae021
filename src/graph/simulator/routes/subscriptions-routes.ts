/**
 * `POST/GET /subscriptions`, `GET/PATCH/DELETE /subscriptions/{id}`, `POST /subscriptions/{id}/reauthorize`.
 */
import type { SimContext } from '../sim-context';
import { jsonResponse, noContent, type SimRequest, type SimResponse } from '../sim-exchange';
import { subscriptionWire } from '../subscription-registry';

function entity(ctx: SimContext, wire: Record<string, unknown>): Record<string, unknown> {
  return { '@odata.context': `${ctx.baseUrl()}/v1.0/$metadata#subscriptions/$entity`, ...wire };
}

export async function createSubscription(ctx: SimContext, req: SimRequest): Promise<SimResponse> {
  const subscription = await ctx.subscriptions.create(req.tenantId, req.body);
  return jsonResponse(201, entity(ctx, subscriptionWire(subscription)));
}

export function listSubscriptions(ctx: SimContext, req: SimRequest): SimResponse {
  return jsonResponse(200, {
    '@odata.context': `${ctx.baseUrl()}/v1.0/$metadata#subscriptions`,
    value: ctx.subscriptions.active(req.tenantId).map(subscriptionWire),
  });
}

export function getSubscription(ctx: SimContext, req: SimRequest, id: string): SimResponse {
  return jsonResponse(200, entity(ctx, subscriptionWire(ctx.subscriptions.get(req.tenantId, id))));
}

export function patchSubscription(ctx: SimContext, req: SimRequest, id: string): SimResponse {
  return jsonResponse(
    200,
    entity(ctx, subscriptionWire(ctx.subscriptions.patch(req.tenantId, id, req.body))),
  );
}

export function deleteSubscription(ctx: SimContext, req: SimRequest, id: string): SimResponse {
  ctx.subscriptions.delete(req.tenantId, id);
  return noContent();
}

/** Answers a `reauthorizationRequired` challenge: 204, as the SDKs' `Promise<void>` expects. */
export function reauthorizeSubscription(ctx: SimContext, req: SimRequest, id: string): SimResponse {
  ctx.subscriptions.get(req.tenantId, id);
  return noContent();
}
