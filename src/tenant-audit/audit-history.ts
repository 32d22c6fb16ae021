/**
 * "New since last audit": each audit keeps the dedupe keys of what it found (store.settings, per tenant), and the next
 * one reports what appeared and what went away. Keys, not findings: a finding's identity is its dedupe key, and keys
 * stay small even for a large tenant's report.
 */
import { z } from 'zod';
import type { IsoTime, TenantId } from '../glossary';
import type { Logger } from '../logger';
import type { Store } from '../store/store';

export const LAST_AUDIT_KEY = 'last-audit';

const lastAuditSchema = z.object({ finishedAt: z.string(), dedupeKeys: z.array(z.string()) });
export type LastAudit = z.infer<typeof lastAuditSchema>;

export async function readLastAudit(
  store: Store,
  tenantId: TenantId,
  logger: Logger,
): Promise<LastAudit | null> {
  const raw = await store.settings.get(tenantId, LAST_AUDIT_KEY);
  if (raw === null) return null;
  try {
    const parsed = lastAuditSchema.safeParse(JSON.parse(raw));
    if (parsed.success) return parsed.data;
    logger.warn({ tenantId }, 'the stored previous audit cannot be read; every finding counts as new');
  } catch {
    logger.warn({ tenantId }, 'the stored previous audit is not JSON; every finding counts as new');
  }
  return null;
}

export async function writeLastAudit(
  store: Store,
  tenantId: TenantId,
  finishedAt: IsoTime,
  dedupeKeys: string[],
): Promise<void> {
  const value: LastAudit = { finishedAt, dedupeKeys: [...new Set(dedupeKeys)].sort() };
  await store.settings.put(tenantId, LAST_AUDIT_KEY, JSON.stringify(value));
}

export function compareWithLastAudit(
  previous: LastAudit | null,
  dedupeKeys: string[],
): { newSinceLastAudit: string[]; goneSinceLastAudit: string[] } {
  const before = new Set(previous?.dedupeKeys ?? []);
  const now = new Set(dedupeKeys);
  return {
    newSinceLastAudit: [...now].filter((k) => !before.has(k)),
    goneSinceLastAudit: [...before].filter((k) => !now.has(k)),
  };
}
