/**
 * `GET /users`, `GET /users/{id|upn}` and `POST /users/{id}/assignLicense`.
 */
import { z } from 'zod';
import { assignLicenseRequestSchema } from '../../wire-schemas';
import { badRequest } from '../graph-error';
import { decodeToken, encodeToken, pageSize } from '../page-token';
import type { SimContext } from '../sim-context';
import { jsonResponse, type SimRequest, type SimResponse } from '../sim-exchange';
import {
  parseSelect,
  userEntityContext,
  userProperties,
  usersCollectionContext,
} from '../user-representation';

const listTokenSchema = z.object({
  o: z.number().int().nonnegative(),
  top: z.number().int().positive(),
  sel: z.string().nullable(),
});

export function listUsers(ctx: SimContext, req: SimRequest): SimResponse {
  if (req.query.has('$filter'))
    return badRequest(
      'The simulator does not support $filter on users; use /users/{id} or $batch.',
      'BadRequest',
    );
  const tenant = ctx.tenant(req.tenantId);
  const skiptoken = req.query.get('$skiptoken');
  const state = skiptoken
    ? decodeToken(skiptoken, listTokenSchema, 'skip')
    : { o: 0, top: pageSize(req.query.get('$top'), 100, 999), sel: req.query.get('$select') };
  const select = parseSelect(state.sel);
  const live = [...tenant.users.values()]
    .filter((u) => u.deleted === null)
    .sort((a, b) => a.id.localeCompare(b.id));
  const page = live.slice(state.o, state.o + state.top);
  const body: Record<string, unknown> = {
    '@odata.context': usersCollectionContext(ctx.baseUrl(), select),
    value: page.map((u) => userProperties(u, select, (id) => tenant.planName(id))),
  };
  if (state.o + state.top < live.length) {
    body['@odata.nextLink'] =
      `${ctx.baseUrl()}/v1.0/users?$skiptoken=${encodeToken({ ...state, o: state.o + state.top })}`;
  }
  return jsonResponse(200, body);
}

export function getUser(ctx: SimContext, req: SimRequest, idOrUpn: string): SimResponse {
  const tenant = ctx.tenant(req.tenantId);
  const select = parseSelect(req.query.get('$select'));
  const user = tenant.requireUser(idOrUpn);
  return jsonResponse(200, {
    '@odata.context': userEntityContext(ctx.baseUrl(), select),
    ...userProperties(user, select, (id) => tenant.planName(id)),
  });
}

/** One call = one license activity (one correlationId); 200 with the user object, as Graph answers. */
export function assignLicense(ctx: SimContext, req: SimRequest, idOrUpn: string): SimResponse {
  const parsed = assignLicenseRequestSchema.safeParse(req.body);
  if (!parsed.success) {
    return badRequest(
      `Invalid assignLicense body: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}. Both addLicenses and removeLicenses are required.`,
    );
  }
  const tenant = ctx.tenant(req.tenantId);
  tenant.assignLicense(idOrUpn, parsed.data);
  const user = tenant.requireUser(idOrUpn);
  return jsonResponse(200, {
    '@odata.context': userEntityContext(ctx.baseUrl(), null),
    ...userProperties(user, null, (id) => tenant.planName(id)),
  });
}
