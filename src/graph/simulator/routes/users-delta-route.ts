/**
 * `GET /users/delta`: a full sync paged with `@odata.nextLink` ($skiptoken) ending in an `@odata.deltaLink`
 * ($deltatoken); following the deltaLink later returns only users changed since, deleted ones as `@removed`
 * (`changed` = soft-deleted, `deleted` = permanent). Tokens expire (7 days, or forced by the faults) with
 * 410 Gone and Graph's `syncStateNotFound` body: the client must restart with a full sync.
 *
 * Paging is over a frozen membership (users that existed when the round began), ordered by id, so a user created
 * mid-round cannot shift the pages and hide another one; it shows up in the next round instead.
 */
import { z } from 'zod';
import { graphError } from '../graph-error';
import { decodeToken, encodeToken } from '../page-token';
import type { SimContext } from '../sim-context';
import { jsonResponse, type SimRequest, type SimResponse } from '../sim-exchange';
import { parseSelect, userProperties, usersCollectionContext } from '../user-representation';

const tokenSchema = z.object({
  /** tenant, epoch, issued at */
  t: z.string(),
  e: z.number().int(),
  i: z.number(),
  /** changes after this sequence (0 = full sync) */
  f: z.number().int().nonnegative(),
  /** the round's frozen membership: users created at or before this sequence */
  s: z.number().int().nonnegative().optional(),
  o: z.number().int().nonnegative().default(0),
  sel: z.string().nullable(),
});
type DeltaToken = z.infer<typeof tokenSchema>;

export function usersDelta(ctx: SimContext, req: SimRequest): SimResponse {
  const tenant = ctx.tenant(req.tenantId);
  const skip = req.query.get('$skiptoken');
  const delta = req.query.get('$deltatoken');
  let token: DeltaToken;
  if (skip !== null || delta !== null) {
    token = decodeToken(skip ?? delta ?? '', tokenSchema, 'delta');
    const expired =
      token.t !== tenant.tenantId ||
      token.e !== tenant.deltaEpoch ||
      Date.now() - token.i > ctx.deltaTokenTtlMs;
    if (expired) return graphError(410, 'syncStateNotFound', 'The sync state generation is not found.');
  } else {
    token = {
      t: tenant.tenantId,
      e: tenant.deltaEpoch,
      i: Date.now(),
      f: 0,
      o: 0,
      sel: req.query.get('$select'),
    };
  }
  const select = parseSelect(token.sel);
  const roundEnd = token.s ?? tenant.sequence;
  const fullSync = token.f === 0;
  const members = [...tenant.users.values()]
    .filter((u) => u.createdSeq <= roundEnd && u.changeSeq > token.f && (!fullSync || u.deleted === null))
    .sort((a, b) => a.id.localeCompare(b.id));
  const page = members.slice(token.o, token.o + ctx.deltaPageSize);
  const body: Record<string, unknown> = {
    '@odata.context': usersCollectionContext(ctx.baseUrl(), select),
    value: page.map((u) =>
      u.deleted === null
        ? userProperties(u, select, (id) => tenant.planName(id))
        : { id: u.id, '@removed': { reason: u.deleted === 'soft' ? 'changed' : 'deleted' } },
    ),
  };
  const next = token.o + ctx.deltaPageSize;
  if (next < members.length) {
    body['@odata.nextLink'] =
      `${ctx.baseUrl()}/v1.0/users/delta?$skiptoken=${encodeToken({ ...token, s: roundEnd, o: next })}`;
  } else {
    // The next round reports what changed after this round's membership was frozen.
    const nextRound = {
      t: tenant.tenantId,
      e: tenant.deltaEpoch,
      i: Date.now(),
      f: roundEnd,
      o: 0,
      sel: token.sel,
    };
    body['@odata.deltaLink'] = `${ctx.baseUrl()}/v1.0/users/delta?$deltatoken=${encodeToken(nextRound)}`;
  }
  return jsonResponse(200, body);
}
