/**
 * What travels on the queue: one unit of work for the worker. Ingest produces `user-changed`, `group-changed`
 * and `lifecycle`; the worker itself schedules `swap-follow-up`; reconcile/audit produce `user-changed` too.
 *
 * Bodies are validated when leased (`parseWorkItem`): a body that does not parse is a poison message and goes to
 * the dead letters with the validation error as its reason.
 */
import { z } from 'zod';

const tenantAndUser = {
  tenantId: z.string().min(1),
  userId: z.string().min(1),
};

export const userChangedSchema = z.object({
  kind: z.literal('user-changed'),
  ...tenantAndUser,
  /** `updated` or `deleted` from Graph; `reconcile` from delta/audit. */
  changeType: z.enum(['updated', 'deleted', 'created', 'reconcile']),
  subscriptionId: z.string().nullable(),
  receivedAt: z.string(),
  source: z.enum(['notification', 'delta', 'audit', 'baseline', 'replay']),
});

export const groupChangedSchema = z.object({
  kind: z.literal('group-changed'),
  tenantId: z.string().min(1),
  groupId: z.string().min(1),
  changeType: z.enum(['updated', 'deleted', 'created']),
  subscriptionId: z.string().nullable(),
  receivedAt: z.string(),
  /** Members named in `members@delta`, when Graph sent them. */
  memberIds: z.array(z.string()).default([]),
});

export const swapFollowUpSchema = z.object({
  kind: z.literal('swap-follow-up'),
  ...tenantAndUser,
  /** The window of license activity to read from the directory audit log. */
  windowStart: z.string(),
  windowEnd: z.string(),
  /** How many times the audit log has been read for this window (records arrive minutes late). */
  attempt: z.number().int().nonnegative(),
  /** The event whose change prompted the check. */
  eventId: z.string().nullable(),
  /**
   * `decide` (Standard just left: one operation or two?) or `complete-evidence` (the Resource Account license just
   * arrived on an account with an open remove-first swap alert: add that second operation to the alert's evidence,
   * never open a new alert). Absent in messages queued before the field existed: `decide`.
   */
  purpose: z.enum(['decide', 'complete-evidence']).default('decide'),
});

export const lifecycleSchema = z.object({
  kind: z.literal('lifecycle'),
  tenantId: z.string().min(1),
  subscriptionId: z.string().min(1),
  lifecycleEvent: z.string().min(1),
  receivedAt: z.string(),
});

export const workItemSchema = z.discriminatedUnion('kind', [
  userChangedSchema,
  groupChangedSchema,
  swapFollowUpSchema,
  lifecycleSchema,
]);

export type UserChanged = z.infer<typeof userChangedSchema>;
export type GroupChanged = z.infer<typeof groupChangedSchema>;
export type SwapFollowUp = z.infer<typeof swapFollowUpSchema>;
export type LifecycleWork = z.infer<typeof lifecycleSchema>;
export type WorkItem = z.infer<typeof workItemSchema>;

/**
 * The ordering key: one account's work is handled in order (DESIGN.md: tenant + user). On Service Bus it picks one
 * of its tenant's sessions (service-bus/tenant-session.ts); the embedded queue orders by it directly.
 */
export function orderingKeyFor(tenantId: string, subjectId: string): string {
  return `${tenantId}/${subjectId}`;
}

export type ParsedWorkItem = { ok: true; item: WorkItem } | { ok: false; reason: string };

export function parseWorkItem(body: unknown): ParsedWorkItem {
  const result = workItemSchema.safeParse(body);
  if (result.success) return { ok: true, item: result.data };
  return { ok: false, reason: z.prettifyError(result.error) };
}
