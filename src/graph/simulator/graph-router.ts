/**
 * Maps a Graph v1.0 request to its handler. Handlers throw `GraphOperationError` for Graph's refusals; the router
 * turns them into Graph's error body, so direct calls, HTTP and `$batch` items fail alike.
 */
import { badRequest, graphError } from './graph-error';
import { GraphOperationError } from './graph-operation-error';
import { handleBatch, type InnerDispatch } from './routes/batch-route';
import { listDirectoryAudits } from './routes/directory-audits-route';
import { listGroups } from './routes/groups-route';
import { listOrganization } from './routes/organization-route';
import { listSubscribedSkus } from './routes/subscribed-skus-route';
import {
  createSubscription,
  deleteSubscription,
  getSubscription,
  listSubscriptions,
  patchSubscription,
  reauthorizeSubscription,
} from './routes/subscriptions-routes';
import {
  getTeamsUserConfiguration,
  listTeamsUserConfigurations,
} from './routes/teams-user-configurations-routes';
import { usersDelta } from './routes/users-delta-route';
import { assignLicense, getUser, listUsers } from './routes/users-routes';
import type { SimContext } from './sim-context';
import type { SimRequest, SimResponse } from './sim-exchange';

type Handler = (
  ctx: SimContext,
  req: SimRequest,
  params: string[],
  dispatch: InnerDispatch,
) => SimResponse | Promise<SimResponse>;

const SEGMENT = '([^/]+)';

const ROUTES: Array<[string, RegExp, Handler]> = [
  ['GET', /^\/users$/i, (ctx, req) => listUsers(ctx, req)],
  ['GET', /^\/users\/delta(\(\))?$/i, (ctx, req) => usersDelta(ctx, req)],
  ['GET', new RegExp(`^/users/${SEGMENT}$`, 'i'), (ctx, req, [id]) => getUser(ctx, req, id ?? '')],
  [
    'POST',
    new RegExp(`^/users/${SEGMENT}/assignLicense$`, 'i'),
    (ctx, req, [id]) => assignLicense(ctx, req, id ?? ''),
  ],
  ['GET', /^\/groups$/i, (ctx, req) => listGroups(ctx, req)],
  ['GET', /^\/subscribedSkus$/i, (ctx, req) => listSubscribedSkus(ctx, req)],
  ['GET', /^\/organization$/i, (ctx, req) => listOrganization(ctx, req)],
  ['GET', /^\/auditLogs\/directoryAudits$/i, (ctx, req) => listDirectoryAudits(ctx, req)],
  ['GET', /^\/admin\/teams\/userConfigurations$/i, (ctx, req) => listTeamsUserConfigurations(ctx, req)],
  [
    'GET',
    new RegExp(`^/admin/teams/userConfigurations/${SEGMENT}$`, 'i'),
    (ctx, req, [id]) => getTeamsUserConfiguration(ctx, req, id ?? ''),
  ],
  ['POST', /^\/\$batch$/i, (_ctx, req, _p, dispatch) => handleBatch(req, dispatch)],
  ['POST', /^\/subscriptions$/i, (ctx, req) => createSubscription(ctx, req)],
  ['GET', /^\/subscriptions$/i, (ctx, req) => listSubscriptions(ctx, req)],
  [
    'GET',
    new RegExp(`^/subscriptions/${SEGMENT}$`, 'i'),
    (ctx, req, [id]) => getSubscription(ctx, req, id ?? ''),
  ],
  [
    'PATCH',
    new RegExp(`^/subscriptions/${SEGMENT}$`, 'i'),
    (ctx, req, [id]) => patchSubscription(ctx, req, id ?? ''),
  ],
  [
    'DELETE',
    new RegExp(`^/subscriptions/${SEGMENT}$`, 'i'),
    (ctx, req, [id]) => deleteSubscription(ctx, req, id ?? ''),
  ],
  [
    'POST',
    new RegExp(`^/subscriptions/${SEGMENT}/reauthorize$`, 'i'),
    (ctx, req, [id]) => reauthorizeSubscription(ctx, req, id ?? ''),
  ],
];

export async function routeGraphRequest(
  ctx: SimContext,
  req: SimRequest,
  dispatch: InnerDispatch,
): Promise<SimResponse> {
  let pathMatched = false;
  for (const [method, pattern, handler] of ROUTES) {
    const match = pattern.exec(req.path);
    if (!match) continue;
    pathMatched = true;
    if (method !== req.method) continue;
    try {
      return await handler(ctx, req, match.slice(1).map(decodeURIComponent), dispatch);
    } catch (error) {
      if (error instanceof GraphOperationError) return graphError(error.status, error.code, error.message);
      throw error;
    }
  }
  if (pathMatched)
    return graphError(
      405,
      'Request_BadRequest',
      `The HTTP method '${req.method}' is not allowed on ${req.path}.`,
    );
  const segment = req.path.split('/').filter((s) => s.length > 0)[0] ?? '';
  return badRequest(`Resource not found for the segment '${segment}'.`, 'BadRequest');
}
