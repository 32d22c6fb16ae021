/**
 * The tenant's names from Graph's `GET /organization` (https://learn.microsoft.com/graph/api/organization-get,
 * application permission Organization.Read.All): its id, displayName and the verified domain marked `isDefault`.
 * Read with a token of the tenant itself, so asked with a domain it also says which tenant id the domain belongs to.
 */
import { z } from 'zod';
import { parseGraphBody, unexpectedAnswer } from '../graph/client/graph-error';
import type { GraphHttp } from '../graph/client/graph-http';

const organizationSchema = z.object({
  value: z
    .array(
      z.object({
        id: z.string().min(1),
        displayName: z.string().nullable().optional(),
        verifiedDomains: z
          .array(z.object({ name: z.string().min(1), isDefault: z.boolean().nullable().optional() }))
          .nullable()
          .optional(),
      }),
    )
    .min(1, 'no organization in the answer'),
});

export interface Organization {
  id: string;
  displayName: string | null;
  defaultDomain: string | null;
}

export const ORGANIZATION_PATH = '/organization?$select=id,displayName,verifiedDomains';

/** `tenant` is a tenant id or a domain (the token is asked for it; Entra accepts either). */
export async function readOrganization(http: GraphHttp, tenant: string): Promise<Organization> {
  const answer = await http.send(tenant, { method: 'GET', path: ORGANIZATION_PATH });
  if (answer.status !== 200) throw unexpectedAnswer(answer, 'Organization.Read.All');
  const [org] = parseGraphBody(organizationSchema, answer.body, 'the organization').value;
  const domains = org?.verifiedDomains ?? [];
  return {
    id: (org?.id ?? tenant).toLowerCase(),
    displayName: org?.displayName ?? null,
    defaultDomain: (domains.find((d) => d.isDefault === true) ?? domains[0])?.name ?? null,
  };
}
