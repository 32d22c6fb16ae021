/**
 * Every replay is recorded (who, when, what range, what it found and delivered), so "who re-sent these alerts?" has
 * an answer. The store has no replay table yet, so records live in its small-values `settings`: one key per replay,
 * plus a short index of the latest ids per tenant (the settings port cannot list keys). A dedicated table with a
 * list query is the port addition this would want.
 */
import { z } from 'zod';
import type { Store } from '../store/store';

/** Settings tenant for replays that span every tenant. */
export const ALL_TENANTS = '*';
const INDEX_KEY = 'replay:index';
const INDEX_LIMIT = 100;

const countsSchema = z.object({ same: z.number(), new: z.number(), gone: z.number() });

export const replayRecordSchema = z.object({
  replayId: z.string(),
  by: z.string(),
  mode: z.enum(['dry-run', 'deliver']),
  startedAt: z.string(),
  finishedAt: z.string(),
  selection: z.object({
    from: z.string(),
    to: z.string(),
    tenantId: z.string().nullable(),
    userId: z.string().nullable(),
    upn: z.string().nullable(),
    ruleId: z.string().nullable(),
    subscriptionId: z.string().nullable(),
  }),
  covered: z.number(),
  replayed: z.number(),
  findings: z.number(),
  outcomes: countsSchema,
  delivered: z.number(),
  /** Set when the replay stopped on an error: what it was. */
  error: z.string().nullable(),
});

export type ReplayRecord = z.infer<typeof replayRecordSchema>;

export function replayRecordKey(replayId: string): string {
  return `replay:${replayId}`;
}

export async function saveReplayRecord(store: Pick<Store, 'settings'>, record: ReplayRecord): Promise<void> {
  const tenant = record.selection.tenantId ?? ALL_TENANTS;
  await store.settings.put(tenant, replayRecordKey(record.replayId), JSON.stringify(record));
  // Read-modify-write of the index: two replays finishing at the same instant may lose one index line, never the
  // record itself (it has its own key).
  const ids = await readIndex(store, tenant);
  const next = [record.replayId, ...ids.filter((id) => id !== record.replayId)].slice(0, INDEX_LIMIT);
  await store.settings.put(tenant, INDEX_KEY, JSON.stringify(next));
}

export async function getReplayRecord(
  store: Pick<Store, 'settings'>,
  tenantId: string | null,
  replayId: string,
): Promise<ReplayRecord | null> {
  const raw = await store.settings.get(tenantId ?? ALL_TENANTS, replayRecordKey(replayId));
  if (raw === null) return null;
  return replayRecordSchema.parse(JSON.parse(raw));
}

/** The latest replays of a tenant (or of `ALL_TENANTS`), newest first, at most 100. */
export async function listReplayRecords(
  store: Pick<Store, 'settings'>,
  tenantId: string | null,
): Promise<ReplayRecord[]> {
  const tenant = tenantId ?? ALL_TENANTS;
  const records: ReplayRecord[] = [];
  for (const id of await readIndex(store, tenant)) {
    const record = await getReplayRecord(store, tenant, id);
    if (record !== null) records.push(record);
  }
  return records;
}

async function readIndex(store: Pick<Store, 'settings'>, tenant: string): Promise<string[]> {
  const raw = await store.settings.get(tenant, INDEX_KEY);
  if (raw === null) return [];
  const parsed = z.array(z.string()).safeParse(JSON.parse(raw));
  return parsed.success ? parsed.data : [];
}
