/**
 * Microsoft Graph v1.0 wire shapes that ra-watch reads or serves, as zod schemas.
 * Source of every shape: ../shared/graph-samples/ (with its README's notes on what is unconfirmed).
 *
 * The schemas are deliberately tolerant where the real service is known to vary (unknown fields pass through,
 * `error: "None"` means success, `organizationId` may stand in for `tenantId`, timestamps come with `Z` or an
 * offset and 3 or 7 fractional digits) and strict where a wrong value would mislead a rule (ids, license arrays).
 * The client and the ingest validate with them; the simulator produces values that satisfy them.
 */
import { z } from 'zod';
import { graphDateTime, guid } from './wire-primitives';

export { graphDateTime, guid } from './wire-primitives';
export * from './audit-wire-schemas';
export * from './teams-wire-schemas';

// ---------------------------------------------------------------------------------------------------------------
// Change notifications (POST from Graph to our notificationUrl)
// ---------------------------------------------------------------------------------------------------------------

export const changeNotificationSchema = z.looseObject({
  subscriptionId: z.string().min(1),
  subscriptionExpirationDateTime: graphDateTime.optional(),
  changeType: z.enum(['created', 'updated', 'deleted']),
  /** "Users/{id}" or "Groups/{id}" (casing varies between samples). */
  resource: z.string().min(1),
  resourceData: z
    .looseObject({
      '@odata.type': z.string().optional(),
      '@odata.id': z.string().optional(),
      id: z.string().min(1),
      organizationId: z.string().optional(),
    })
    .optional(),
  clientState: z.string().max(255).optional().nullable(),
  tenantId: z.string().optional(),
});
export type ChangeNotification = z.infer<typeof changeNotificationSchema>;

export const changeNotificationCollectionSchema = z.looseObject({
  value: z.array(changeNotificationSchema),
});

export const lifecycleEventSchema = z.enum(['reauthorizationRequired', 'subscriptionRemoved', 'missed']);
export type LifecycleEvent = z.infer<typeof lifecycleEventSchema>;

/** Lifecycle notifications: `tenantId` or (as captured in the wild) `organizationId`; never a `changeType`. */
export const lifecycleNotificationSchema = z.looseObject({
  subscriptionId: z.string().min(1),
  subscriptionExpirationDateTime: graphDateTime.optional(),
  lifecycleEvent: z.union([lifecycleEventSchema, z.string().min(1)]),
  clientState: z.string().max(255).optional().nullable(),
  tenantId: z.string().optional(),
  organizationId: z.string().optional(),
  resource: z.string().optional().nullable(),
});
export type LifecycleNotification = z.infer<typeof lifecycleNotificationSchema>;

export const lifecycleNotificationCollectionSchema = z.looseObject({
  value: z.array(lifecycleNotificationSchema),
});

// ---------------------------------------------------------------------------------------------------------------
// Users and licenses
// ---------------------------------------------------------------------------------------------------------------

export const assignedLicenseSchema = z.looseObject({
  skuId: guid,
  disabledPlans: z.array(z.string()).default([]),
});

export const licenseAssignmentStateSchema = z.looseObject({
  skuId: guid,
  disabledPlans: z
    .array(z.string())
    .nullish()
    .transform((v) => v ?? []),
  assignedByGroup: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
  state: z
    .string()
    .nullish()
    .transform((v) => v ?? 'Unknown'),
  /** null on success per the docs; live tenants send "None". Both mean success. */
  error: z
    .string()
    .nullish()
    .transform((v) => (v === undefined || v === null || v === 'None' ? null : v)),
  lastUpdatedDateTime: z.string().nullish(),
});

export const graphUserSchema = z.looseObject({
  id: z.string().min(1),
  displayName: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
  userPrincipalName: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
  accountEnabled: z
    .boolean()
    .nullish()
    .transform((v) => v ?? null),
  department: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
  assignedLicenses: z.array(assignedLicenseSchema).default([]),
  licenseAssignmentStates: z
    .array(licenseAssignmentStateSchema)
    .nullish()
    .transform((v) => v ?? []),
});
export type GraphUser = z.infer<typeof graphUserSchema>;

// ---------------------------------------------------------------------------------------------------------------
// subscribedSkus
// ---------------------------------------------------------------------------------------------------------------

export const subscribedSkuSchema = z.looseObject({
  skuId: guid,
  skuPartNumber: z.string().min(1),
  capabilityStatus: z.string().default('Enabled'),
  consumedUnits: z.number().int().nonnegative().default(0),
  prepaidUnits: z.looseObject({
    enabled: z.number().int().nonnegative(),
    suspended: z.number().int().nonnegative().optional(),
    warning: z.number().int().nonnegative().optional(),
    lockedOut: z.number().int().nonnegative().optional(),
  }),
  servicePlans: z.array(
    z.looseObject({
      servicePlanId: guid,
      servicePlanName: z.string().min(1),
      provisioningStatus: z.string().optional(),
      appliesTo: z.string().optional(),
    }),
  ),
});
export const subscribedSkusResponseSchema = z.looseObject({ value: z.array(subscribedSkuSchema) });

// ---------------------------------------------------------------------------------------------------------------
// Delta
// ---------------------------------------------------------------------------------------------------------------

/** A delta item is either a (partial) user or a removal marker. */
export const deltaUserSchema = z.looseObject({
  id: z.string().min(1),
  '@removed': z.looseObject({ reason: z.string() }).optional(),
  displayName: z.string().nullish(),
  userPrincipalName: z.string().nullish(),
  accountEnabled: z.boolean().nullish(),
  department: z.string().nullish(),
  assignedLicenses: z.array(assignedLicenseSchema).optional(),
});
export type DeltaUser = z.infer<typeof deltaUserSchema>;

export const deltaPageSchema = z
  .looseObject({
    value: z.array(deltaUserSchema),
    '@odata.nextLink': z.string().optional(),
    '@odata.deltaLink': z.string().optional(),
  })
  .refine((p) => p['@odata.nextLink'] !== undefined || p['@odata.deltaLink'] !== undefined, {
    message: 'a delta page must carry @odata.nextLink or @odata.deltaLink',
  });

// ---------------------------------------------------------------------------------------------------------------
// Subscriptions
// ---------------------------------------------------------------------------------------------------------------

export const subscriptionCreateRequestSchema = z.looseObject({
  changeType: z.string().min(1),
  notificationUrl: z.string().url(),
  lifecycleNotificationUrl: z.string().url().optional(),
  resource: z.string().min(1),
  expirationDateTime: graphDateTime,
  clientState: z.string().max(128).optional(),
  latestSupportedTlsVersion: z.string().optional(),
});
export type SubscriptionCreateRequest = z.infer<typeof subscriptionCreateRequestSchema>;

export const graphSubscriptionSchema = z.looseObject({
  id: z.string().min(1),
  resource: z.string(),
  changeType: z.string(),
  notificationUrl: z.string(),
  lifecycleNotificationUrl: z.string().nullish(),
  expirationDateTime: graphDateTime,
  clientState: z.string().nullish(),
  applicationId: z.string().nullish(),
});
export type GraphSubscription = z.infer<typeof graphSubscriptionSchema>;

// ---------------------------------------------------------------------------------------------------------------
// assignLicense, $batch, errors
// ---------------------------------------------------------------------------------------------------------------

export const assignLicenseRequestSchema = z.looseObject({
  addLicenses: z.array(z.looseObject({ skuId: guid, disabledPlans: z.array(z.string()).default([]) })),
  removeLicenses: z.array(guid),
});
export type AssignLicenseRequest = z.infer<typeof assignLicenseRequestSchema>;

export const batchRequestSchema = z.looseObject({
  requests: z
    .array(
      z.looseObject({
        id: z.string().min(1),
        method: z.string().min(1),
        url: z.string().min(1),
        headers: z.record(z.string(), z.string()).optional(),
        body: z.unknown().optional(),
      }),
    )
    .min(1)
    .max(20),
});
export type BatchRequest = z.infer<typeof batchRequestSchema>;

export const batchResponseSchema = z.looseObject({
  responses: z.array(
    z.looseObject({
      id: z.string(),
      status: z.number().int(),
      headers: z.record(z.string(), z.string()).nullish(),
      body: z.unknown().optional(),
    }),
  ),
});
export type BatchResponse = z.infer<typeof batchResponseSchema>;

export const graphErrorSchema = z.looseObject({
  error: z.looseObject({
    code: z.string(),
    message: z.string().optional(),
    innerError: z.unknown().optional(),
  }),
});
export type GraphErrorBody = z.infer<typeof graphErrorSchema>;
