/**
 * Teams user configurations (`GET /admin/teams/userConfigurations` and `/{id}`, v1.0; resource-account
 * identification, DOMAIN.md §4 source 1) as zod schemas, and how ra-watch reads `accountType`.
 *
 * Source: Graph v1.0 reference, teamsUserConfiguration resource / list / get
 * (https://learn.microsoft.com/graph/api/resources/teamsadministration-teamsuserconfiguration, checked 2026-12).
 * `accountType` is an evolvable enum: `unknown`, `user`, `resourceAccount`, `guest`, `sfbOnPremUser`,
 * `unknownFutureValue`, then `ineligibleUser`, which Graph returns as `unknownFutureValue` unless the request sends
 * `Prefer: include-unknown-enum-members`. Learn's sample for the single GET wraps the entity in `value`.
 */
import { z } from 'zod';

export const teamsUserConfigurationSchema = z.looseObject({
  id: z.string().min(1),
  userPrincipalName: z.string().nullish(),
  accountType: z.string(),
  featureTypes: z.array(z.string()).nullish(),
});
export type TeamsUserConfigurationWire = z.infer<typeof teamsUserConfigurationSchema>;

export const teamsUserConfigurationPageSchema = z.looseObject({
  value: z.array(teamsUserConfigurationSchema),
  '@odata.nextLink': z.string().optional(),
});

/** Sent on every Teams read, so `ineligibleUser` (and later members) come back by name. */
export const INCLUDE_UNKNOWN_ENUM_MEMBERS = { prefer: 'include-unknown-enum-members' } as const;

/** What one `accountType` says about "is this a resource account": yes, no, or nothing (weaker sources decide). */
export type TeamsVerdict = 'resource-account' | 'not-resource-account' | 'no-verdict';

/**
 * Only `resourceAccount` says yes and only `user` / `guest` say no. `unknown`, `unknownFutureValue`,
 * `sfbOnPremUser`, `ineligibleUser` and any member added later say nothing either way (issue 17 item 3).
 */
export function teamsVerdictOf(accountType: string): TeamsVerdict {
  switch (accountType.trim().toLowerCase()) {
    case 'resourceaccount':
      return 'resource-account';
    case 'user':
    case 'guest':
      return 'not-resource-account';
    default:
      return 'no-verdict';
  }
}

/**
 * The single GET's body: the entity itself, or (as in Learn's sample) the entity wrapped in `value`, as an object or
 * a one-item array. Anything else, or an entity for another user, is null: Teams said nothing usable.
 */
export function teamsEntityOf(body: unknown, userId: string): TeamsUserConfigurationWire | null {
  const candidates: unknown[] = [body];
  if (typeof body === 'object' && body !== null && 'value' in body) {
    const value: unknown = body.value;
    candidates.push(Array.isArray(value) && value.length === 1 ? value[0] : value);
  }
  for (const candidate of candidates) {
    const parsed = teamsUserConfigurationSchema.safeParse(candidate);
    if (parsed.success && parsed.data.id.toLowerCase() === userId.toLowerCase()) return parsed.data;
  }
  return null;
}
