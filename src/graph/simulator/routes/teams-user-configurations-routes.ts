/**
 * `GET /admin/teams/userConfigurations` and `/{userId}` (teams-user-configurations.json): how ra-watch learns, with
 * the strongest evidence, that a user is a resource account (DOMAIN.md §4 source 1), even one with no license left.
 */
import { z } from 'zod';
import { decodeToken, encodeToken, pageSize } from '../page-token';
import type { SimContext } from '../sim-context';
import { jsonResponse, type SimRequest, type SimResponse } from '../sim-exchange';
import type { SimUser } from '../sim-user';
import type { TenantState } from '../tenant-state';

const tokenSchema = z.object({ o: z.number().int().nonnegative(), top: z.number().int().positive() });

function configuration(tenant: TenantState, user: SimUser): Record<string, unknown> {
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
    accountType: ra !== null ? 'resourceAccount' : 'user',
    createdDateTime: user.createdDateTime,
    modifiedDateTime: user.modifiedDateTime,
  };
}

export function listTeamsUserConfigurations(ctx: SimContext, req: SimRequest): SimResponse {
  const tenant = ctx.tenant(req.tenantId);
  const token = req.query.get('$skiptoken');
  const state = token
    ? decodeToken(token, tokenSchema, 'skip')
    : { o: 0, top: pageSize(req.query.get('$top'), 100, 999) };
  const live = [...tenant.users.values()]
    .filter((u) => u.deleted === null)
    .sort((a, b) => a.id.localeCompare(b.id));
  const body: Record<string, unknown> = {
    '@odata.context': `${ctx.baseUrl()}/v1.0/$metadata#admin/teams/userConfigurations`,
    value: live.slice(state.o, state.o + state.top).map((u) => configuration(tenant, u)),
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
    ...configuration(tenant, user),
  });
}
