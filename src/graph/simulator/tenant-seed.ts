/**
 * What a simulated tenant starts with: its SKUs (seat counts and service plans), users, resource accounts and
 * licensing groups. Scenarios are written as these seeds; `GraphSimulator.seed()` also takes one from a caller (a
 * test, a JSON file from the CLI), so it is validated like any other external input.
 */
import { z } from 'zod';
import { guid } from '../wire-schemas';

const assignedLicenseSeed = z.object({
  skuId: guid,
  disabledPlans: z.array(guid).default([]),
});

export const seedSkuSchema = z.object({
  skuId: guid,
  skuPartNumber: z.string().min(1),
  /** Purchased, usable seats (`prepaidUnits.enabled`). */
  prepaidUnits: z.number().int().nonnegative(),
  servicePlans: z.array(z.object({ servicePlanId: guid, servicePlanName: z.string().min(1) })).min(1),
  /**
   * Seats consumed by users the seed does not model (Contoso's 500 E5 holders are counts, not 500 user objects).
   * `consumedUnits` = this + the modelled users holding the SKU.
   */
  unmodelledConsumedUnits: z.number().int().nonnegative().default(0),
});
export type SeedSku = z.input<typeof seedSkuSchema>;

export const seedResourceAccountSchema = z.object({
  /** Which application instance the account serves. */
  application: z.enum(['auto-attendant', 'call-queue']),
  telephoneNumber: z.string().min(1).nullable().default(null),
});

export const seedUserSchema = z.object({
  id: guid,
  userPrincipalName: z.string().min(3),
  displayName: z.string().min(1),
  /** Resource accounts are disabled user objects; ordinary users default to enabled. */
  accountEnabled: z.boolean().optional(),
  department: z.string().nullable().optional(),
  jobTitle: z.string().nullable().default(null),
  /** Graph refuses assignLicense for a user without one (400). */
  usageLocation: z.string().length(2).nullable().default('US'),
  /** Direct assignments only; group-inherited licenses come from `groups[].assignedLicenses`. */
  assignedLicenses: z.array(assignedLicenseSeed).default([]),
  /**
   * Set for a Teams Phone resource account: Teams reports `accountType: resourceAccount`, and the account carries
   * the conventions of DOMAIN.md §4 (disabled, department "Microsoft Communication Application Instance").
   */
  resourceAccount: seedResourceAccountSchema.nullable().default(null),
  /**
   * What Teams reports as `accountType`, when it is neither `resourceAccount` (from `resourceAccount`) nor `user`:
   * `guest`, `sfbOnPremUser`, `unknown`, `ineligibleUser` (sent as `unknownFutureValue` unless the request says
   * `Prefer: include-unknown-enum-members`; Graph v1.0 teamsUserConfiguration resource).
   */
  teamsAccountType: z.string().min(1).optional(),
});
export type SeedUser = z.input<typeof seedUserSchema>;
export type ParsedSeedUser = z.output<typeof seedUserSchema>;

export const seedGroupSchema = z.object({
  id: guid,
  displayName: z.string().min(1),
  /** Licenses the group carries (group-based licensing): every member inherits them. */
  assignedLicenses: z.array(assignedLicenseSeed).default([]),
  memberIds: z.array(guid).default([]),
});
export type SeedGroup = z.input<typeof seedGroupSchema>;

export const tenantSeedSchema = z
  .object({
    tenantId: guid,
    /** The short organisation name Graph reports as `accountName` on SKUs ("contoso"). */
    accountName: z.string().min(1),
    /** The organisation's name (`GET /organization` displayName); default: the account name. */
    displayName: z.string().min(1).optional(),
    skus: z.array(seedSkuSchema),
    users: z.array(seedUserSchema),
    groups: z.array(seedGroupSchema).default([]),
    /**
     * Which audit record carries AssignedLicense/AssignedPlan: older tenants put it on "Update user" (the samples),
     * newer ones on "Change user license" itself (graph-samples README §7). ra-watch must read either.
     */
    auditDetailOn: z.enum(['update-user', 'change-user-license']).default('update-user'),
    /**
     * Split the detail-carrying audit record into "sequence" parts when its modifiedProperties exceed this many
     * characters (Entra does it for large bundles, cutoff guessed at about 10k; README §7). Absent: never split.
     */
    splitAuditDetailAbove: z.number().int().positive().optional(),
    /**
     * Application permissions the tenant's admin consent lacks from the start (`['User.Read.All']`): their routes
     * answer Graph's 403 (tenant-consent.ts), creating a subscription on their resource too. Default: none.
     */
    missingPermissions: z.array(z.string().min(1)).default([]),
    /** Per-tenant delivery behaviour overriding the simulator's (the noise scenario's duplicates and reordering). */
    notifications: z
      .object({ duplicateRate: z.number().min(0).max(1).optional(), reorder: z.boolean().optional() })
      .default({}),
  })
  .superRefine((seed, ctx) => {
    // A seed that names a SKU the tenant did not buy, or a member that does not exist, would make Graph's answers
    // inconsistent (consumedUnits, plans); refuse it with the path of the mistake.
    const skuIds = new Set(seed.skus.map((s) => s.skuId.toLowerCase()));
    const userIds = new Set<string>();
    seed.users.forEach((user, i) => {
      if (userIds.has(user.id.toLowerCase()))
        ctx.addIssue({ code: 'custom', path: ['users', i, 'id'], message: `duplicate user id ${user.id}` });
      userIds.add(user.id.toLowerCase());
      user.assignedLicenses.forEach((l, j) => {
        if (!skuIds.has(l.skuId.toLowerCase()))
          ctx.addIssue({
            code: 'custom',
            path: ['users', i, 'assignedLicenses', j, 'skuId'],
            message: `SKU ${l.skuId} is not among the tenant's skus`,
          });
      });
    });
    seed.groups.forEach((group, i) => {
      group.assignedLicenses.forEach((l, j) => {
        if (!skuIds.has(l.skuId.toLowerCase()))
          ctx.addIssue({
            code: 'custom',
            path: ['groups', i, 'assignedLicenses', j, 'skuId'],
            message: `SKU ${l.skuId} is not among the tenant's skus`,
          });
      });
      group.memberIds.forEach((id, j) => {
        if (!userIds.has(id.toLowerCase()))
          ctx.addIssue({
            code: 'custom',
            path: ['groups', i, 'memberIds', j],
            message: `no user ${id} in the seed`,
          });
      });
    });
  });
export type TenantSeed = z.input<typeof tenantSeedSchema>;
export type ParsedTenantSeed = z.output<typeof tenantSeedSchema>;

export const RESOURCE_ACCOUNT_DEPARTMENT = 'Microsoft Communication Application Instance';
