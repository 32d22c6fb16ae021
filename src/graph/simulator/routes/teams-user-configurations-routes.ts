/**
 * `GET /admin/teams/userConfigurations` and `/{userId}` (teams-user-configurations.json): how ra-watch learns, with
 * the strongest evidence, that a user is a resource account (DOMAIN.md §4 source 1), even one with no license left.
 */
import { z } from 'zod';
import { decodeToken, encodeToken, pageSize } from '../page-token';
import type { SimContext } from '../sim-context';
import { badRequest } from '../graph-error';
import { jsonResponse, type SimRequest, type SimResponse } from '../sim-exchange';
import type { SimUser } from '../sim-user';
import type { TenantState } from '../tenant-state';

/** The filter rides in the skiptoken, as Graph's own opaque links carry the query's state. */
const tokenSchema = z.object({
  o: z.number().int().nonnegative(),
  top: z.number().int().positive(),
  f: z.string().optional(),
});

/**
 * `accountType` as Graph sends it: an evolvable enum, so members added after `unknownFutureValue` (`ineligibleUser`)
 * come back as `unknownFutureValue` unless the request sent `Prefer: include-unknown-enum-members`
 * (https://learn.microsoft.com/graph/best-practices-concept#handling-future-members-in-evolvable-enumerations).
 */
const EVOLVED_MEMBERS = new Set(['ineligibleuser']);
function accountTypeOf(user: SimUser, req: SimRequest): string {
  const type = user.teamsAccountType ?? (user.resourceAccount !== null ? 'resourceAccount' : 'user');
  const includeUnknown = /include-unknown-enum-members/i.test(req.headers['prefer'] ?? '');
  return EVOLVED_MEMBERS.has(type.toLowerCase()) && !includeUnknown ? 'unknownFutureValue' : type;
}

/** The one `$filter` the list is used with here: `accountType eq '...'`; absent: every type; else a 400. */
function accountTypeFilter(req: SimRequest): { ok: true; type: string | null } | { ok: false } {
  const filter = req.query.get('$filter');
  if (filter === null) return { ok: true, type: null };
  const match = /^\s*accountType\s+eq\s+'([^']+)'\s*$/i.exec(filter);
  return match?.[1] === undefined ? { ok: false } : { ok: true, type: match[1] };
}

function configuration(tenant: TenantState, user: SimUser, req: SimRequest): Record<string, unknown> {
  const ra = user.resourceAccount;
  return {
    id: user.id,
    userPrincipalName: user.userPrincipalName,
    tenantId: tenant.tenantId,
    effectivePolicyAssignments: [],
    telephoneNumbers:
      ra?.telephoneNumber != null
        ? [{ telephoneNumber: ra.telephoneNumber, assignmentCategory: 'primary' }]
        : [],
    isEnterpriseVoiceEnabled: ra !== null,
    // featureTypes for resource accounts are guesses in the samples (UNCONFIRMED): never decide by them.
    featureTypes: ra !== null ? ['VirtualUser', 'PhoneSystemVirtualUser'] : ['Teams'],
    accountType: accountTypeOf(user, req),
    createdDateTime: user.createdDateTime,
    modifiedDateTime: user.modifiedDateTime,
  };
}

export function listTeamsUserConfigurations(ctx: SimContext, req: SimRequest): SimResponse {
  const tenant = ctx.tenant(req.tenantId);
  const token = req.query.get('$skiptoken');
  const filter = accountTypeFilter(req);
  if (!filter.ok) return badRequest('Invalid filter clause: only accountType eq is simulated.', 'BadRequest');
  const state: z.infer<typeof tokenSchema> = token
    ? decodeToken(token, tokenSchema, 'skip')
    : {
        o: 0,
        top: pageSize(req.query.get('$top'), 100, 999),
        ...(filter.type === null ? {} : { f: filter.type }),
      };
  const wanted = state.f?.toLowerCase();
  const live = [...tenant.users.values()]
    .filter((u) => u.deleted === null)
    .filter((u) => wanted === undefined || accountTypeOf(u, req).toLowerCase() === wanted)
    .sort((a, b) => a.id.localeCompare(b.id));
  const body: Record<string, unknown> = {
    '@odata.context': `${ctx.baseUrl()}/v1.0/$metadata#admin/teams/userConfigurations`,
    value: live.slice(state.o, state.o + state.top).map((u) => configuration(tenant, u, req)),
  };
  if (state.o + state.top < live.length) {
    body['@odata.nextLink'] =
      `${ctx.baseUrl()}/v1.0/admin/teams/userConfigurations?$skiptoken=${encodeToken({ ...state, o: state.o + state.top })}`;
  }
  return jsonResponse(200, body);
}

export function getTeamsUserConfiguration(ctx: SimContext, req: SimRequest, userId: string): SimResponse {
  const tenant = ctx.tenant(req.tenantId);
  const user = tenant.requireUser(userId);
  return jsonResponse(200, {
    '@odata.context': `${ctx.baseUrl()}/v1.0/$metadata#admin/teams/userConfigurations/$entity`,
    ...configuration(tenant, user, req),
  });
}
