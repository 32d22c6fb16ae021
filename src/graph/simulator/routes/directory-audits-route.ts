/**
 * `GET /auditLogs/directoryAudits` with the `$filter` forms ra-watch uses, `$orderby=activityDateTime asc|desc`,
 * `$top` and `@odata.nextLink` paging. Only records older than the tenant's audit lag are visible; a paging round
 * keeps the visibility instant of its first page so records appearing mid-round cannot shift the pages.
 */
import { z } from 'zod';
import { AuditFilterError, parseAuditFilter } from '../audit-filter';
import { badRequest } from '../graph-error';
import { decodeToken, encodeToken, pageSize } from '../page-token';
import type { SimContext } from '../sim-context';
import { jsonResponse, type SimRequest, type SimResponse } from '../sim-exchange';

const tokenSchema = z.object({
  o: z.number().int().nonnegative(),
  top: z.number().int().positive(),
  filter: z.string().nullable(),
  asc: z.boolean(),
  asOf: z.number(),
});

export function listDirectoryAudits(ctx: SimContext, req: SimRequest): SimResponse {
  const tenant = ctx.tenant(req.tenantId);
  const skip = req.query.get('$skiptoken');
  let state: z.infer<typeof tokenSchema>;
  if (skip !== null) {
    state = decodeToken(skip, tokenSchema, 'skip');
  } else {
    const orderBy = (req.query.get('$orderby') ?? 'activityDateTime desc').trim();
    const order = /^activityDateTime(\s+(asc|desc))?$/i.exec(orderBy);
    if (!order)
      return badRequest(
        `$orderby '${orderBy}' is not supported; use activityDateTime asc|desc.`,
        'BadRequest',
      );
    state = {
      o: 0,
      top: pageSize(req.query.get('$top'), 100, 1000),
      filter: req.query.get('$filter'),
      asc: (order[2] ?? 'desc').toLowerCase() === 'asc',
      asOf: Date.now(),
    };
  }
  let records = tenant.audit.visible(state.asOf);
  if (state.filter !== null) {
    try {
      const predicate = parseAuditFilter(state.filter);
      records = records.filter(predicate);
    } catch (error) {
      if (error instanceof AuditFilterError) return badRequest(error.message, 'BadRequest');
      throw error;
    }
  }
  if (state.asc) records.reverse();
  const body: Record<string, unknown> = {
    '@odata.context': `${ctx.baseUrl()}/v1.0/$metadata#auditLogs/directoryAudits`,
    value: records.slice(state.o, state.o + state.top),
  };
  if (state.o + state.top < records.length) {
    body['@odata.nextLink'] =
      `${ctx.baseUrl()}/v1.0/auditLogs/directoryAudits?$skiptoken=${encodeToken({ ...state, o: state.o + state.top })}`;
  }
  return jsonResponse(200, body);
}
