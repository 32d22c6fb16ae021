/**
 * Directory audit records (`GET /auditLogs/directoryAudits`) as zod schemas: the license activities the swap rule
 * and the audit parser read. Tolerant where records vary (most fields nullish), strict on ids and timestamps.
 * Source: ../shared/graph-samples/ (directory-audits*.json).
 */
import { z } from 'zod';
import { graphDateTime } from './wire-primitives';

export const modifiedPropertySchema = z.looseObject({
  displayName: z.string().nullish(),
  oldValue: z.string().nullish(),
  newValue: z.string().nullish(),
});

export const directoryAuditSchema = z.looseObject({
  id: z.string().min(1),
  category: z.string().nullish(),
  correlationId: z.string().nullish(),
  result: z.string().nullish(),
  activityDisplayName: z.string(),
  activityDateTime: graphDateTime,
  loggedByService: z.string().nullish(),
  operationType: z.string().nullish(),
  initiatedBy: z
    .looseObject({
      user: z
        .looseObject({
          id: z.string().nullish(),
          userPrincipalName: z.string().nullish(),
          displayName: z.string().nullish(),
        })
        .nullish(),
      app: z
        .looseObject({
          appId: z.string().nullish(),
          displayName: z.string().nullish(),
          servicePrincipalId: z.string().nullish(),
        })
        .nullish(),
    })
    .nullish(),
  targetResources: z
    .array(
      z.looseObject({
        id: z.string().nullish(),
        type: z.string().nullish(),
        userPrincipalName: z.string().nullish(),
        displayName: z.string().nullish(),
        modifiedProperties: z.array(modifiedPropertySchema).nullish(),
      }),
    )
    .default([]),
  additionalDetails: z
    .array(z.looseObject({ key: z.string().nullish(), value: z.string().nullish() }))
    .nullish(),
});
export type DirectoryAudit = z.infer<typeof directoryAuditSchema>;

export const directoryAuditPageSchema = z.looseObject({
  value: z.array(directoryAuditSchema),
  '@odata.nextLink': z.string().optional(),
});
