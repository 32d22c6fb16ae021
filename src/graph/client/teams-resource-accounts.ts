/**
 * Every resource account Teams knows in a tenant, not only the candidates a scan would ask about (issue 17 item 2):
 * `GET /admin/teams/userConfigurations?$filter=accountType eq 'resourceAccount'`, paged by `@odata.nextLink`
 * (followed as given: the link is opaque). The list supports `$filter` and `$top` (Graph v1.0 reference, list
 * teamsUserConfigurations, https://learn.microsoft.com/graph/api/teamsadministration-teamsadminroot-list-userconfigurations,
 * checked 2026-12); should Graph refuse the filter with a 400, every configuration is listed and filtered here.
 */
import { z } from 'zod';
import { PermanentError } from '../../errors';
import type { TenantId } from '../../glossary';
import type { Logger } from '../../logger';
import type { TeamsUserConfiguration } from '../graph-reader';
import {
  INCLUDE_UNKNOWN_ENUM_MEMBERS,
  teamsUserConfigurationSchema,
  teamsVerdictOf,
} from '../teams-wire-schemas';
import { parseGraphBody, unexpectedAnswer } from './graph-error';
import type { GraphHttp } from './graph-http';

/** 999 per page (the list's `$top` maximum) × this many pages is far beyond any tenant's resource accounts. */
const MAX_PAGES = 1_000;
const LIST_PATH = '/admin/teams/userConfigurations';
const FILTER = "accountType eq 'resourceAccount'";

/** Items are read one by one: one odd entry must not hide every other resource account. */
const pageSchema = z.looseObject({
  value: z.array(z.unknown()),
  '@odata.nextLink': z.string().optional(),
});

export async function listTeamsResourceAccounts(
  http: GraphHttp,
  logger: Logger,
  tenantId: TenantId,
): Promise<TeamsUserConfiguration[]> {
  const filtered = `${LIST_PATH}?$filter=${encodeURIComponent(FILTER)}&$top=999`;
  const first = await http.send(tenantId, {
    method: 'GET',
    path: filtered,
    headers: INCLUDE_UNKNOWN_ENUM_MEMBERS,
  });
  let path: string | null = filtered;
  let filterHere = false;
  if (first.status === 400) {
    logger.warn(
      { tenantId },
      "Graph refused $filter on admin/teams/userConfigurations (400): listing every user's configuration and filtering here",
    );
    filterHere = true;
    path = `${LIST_PATH}?$top=999`;
  }
  const found: TeamsUserConfiguration[] = [];
  let skipped = 0;
  for (let page = 0, answer = filterHere ? null : first; path !== null; page++, answer = null) {
    if (page >= MAX_PAGES)
      throw new PermanentError('graph-shape', `${LIST_PATH} did not end after ${MAX_PAGES} pages`);
    answer ??= await http.send(tenantId, { method: 'GET', path, headers: INCLUDE_UNKNOWN_ENUM_MEMBERS });
    if (answer.status !== 200) throw unexpectedAnswer(answer, 'TeamsUserConfiguration.Read.All');
    const body = parseGraphBody(pageSchema, answer.body, answer.what);
    for (const item of body.value) {
      const parsed = teamsUserConfigurationSchema.safeParse(item);
      if (!parsed.success) {
        skipped++;
        continue;
      }
      // Filtered here, or by Graph: only resourceAccount says yes (teams-wire-schemas.ts), whatever Graph sent.
      if (teamsVerdictOf(parsed.data.accountType) !== 'resource-account') continue;
      found.push({
        userId: parsed.data.id,
        accountType: parsed.data.accountType,
        featureTypes: parsed.data.featureTypes ?? [],
      });
    }
    path = body['@odata.nextLink'] ?? null;
  }
  if (skipped > 0)
    logger.warn({ tenantId, skipped }, 'Teams userConfigurations entries not understood were skipped');
  return found;
}
