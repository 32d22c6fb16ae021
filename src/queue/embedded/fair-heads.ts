/**
 * Fairness across tenants (issue 19 item 6): which heads (heads.ts) one round of `receive` offers for lease, in the
 * order it should take them. Taking the queue's oldest heads, as before, puts tenant B's single change behind all
 * 20,000 of tenant A's bulk license change; the bench measured B's change → alert p95 at 183× its idle p95.
 *
 * Instead: the tenants with messages (a skip-scan of the (tenant_id, seq) index, migration 006: one index probe
 * per tenant, not a scan of A's storm); each tenant's oldest heads, up to its share of the batch
 * (ceil(wanted / tenants)); those dealt round-robin, the tenant waiting longest first; then, when a tenant may have
 * more than its share and the batch is not full, the queue's oldest heads fill the rest (a lone storm still gets
 * whole batches). Within a tenant, and for one ordering key, the order is the queue's order as before.
 *
 * With one tenant (a single-tenant install) this is the queue's oldest heads, as before, after the one extra probe.
 * The tenants in `exceptTenants` (at their share of the worker's loops, worker/tenant-loop-share.ts) are left out,
 * fill included.
 */
import { sql, type Kysely } from 'kysely';
import type { Tables } from '../../store/tables';
import { headsQuery, oldestHeads } from './heads';
import type { MessageRow } from './stored-message';

/** Candidates beyond `wanted`, for keys another receiver or a sender holds (skipped on PostgreSQL). */
const SLACK = 4;
/** Tenants per statement: SQLite allows 500 terms in one compound SELECT. */
const TENANTS_PER_STATEMENT = 100;

export async function fairHeads(
  trx: Kysely<Tables>,
  now: number,
  wanted: number,
  skippedKeys: ReadonlySet<string>,
  exceptTenants: ReadonlySet<string> = new Set(),
): Promise<MessageRow[]> {
  const fresh = (rows: readonly MessageRow[]) => rows.filter((row) => !skippedKeys.has(row.ordering_key));
  const withMessages = await tenantsWithMessages(trx);
  if (withMessages.length <= 1 && exceptTenants.size === 0)
    return fresh(await oldestHeads(trx, now, wanted + skippedKeys.size + SLACK));
  const tenants = withMessages.filter((tenantId) => !exceptTenants.has(tenantId));
  if (tenants.length === 0) return [];

  const share = Math.ceil(wanted / tenants.length);
  // A tenant's keys already seen this receive take no part of its share.
  const limitOf = (tenantId: string) => share + countSkipped(skippedKeys, tenantId) + 1;
  const perTenant = await oldestHeadsPerTenant(trx, now, tenants, limitOf);
  const dealt = roundRobin(perTenant.map((rows) => fresh(rows)));
  const mayHaveMore = perTenant.some((rows) => rows.length > 0 && rows.length >= limitOf(rows[0]!.tenant_id));
  if (dealt.length >= wanted + SLACK || !mayHaveMore) return dealt;

  // Fill: the queue's oldest heads not dealt already (a key has one head, so the key identifies it).
  const dealtKeys = new Set(dealt.map((row) => row.ordering_key));
  const fill = fresh(
    await oldestHeads(trx, now, wanted + skippedKeys.size + dealt.length + SLACK, exceptTenants),
  ).filter((row) => !dealtKeys.has(row.ordering_key));
  return [...dealt, ...fill];
}

/** The distinct tenants with any message, by skip-scan: MIN(tenant_id) above the last one, one probe each. */
async function tenantsWithMessages(trx: Kysely<Tables>): Promise<string[]> {
  const result = await sql<{ tenant_id: string }>`
    WITH RECURSIVE tenants(tenant_id) AS (
      SELECT MIN(tenant_id) FROM queue_messages
      UNION ALL
      SELECT (SELECT MIN(q.tenant_id) FROM queue_messages q WHERE q.tenant_id > tenants.tenant_id)
      FROM tenants WHERE tenants.tenant_id IS NOT NULL
    )
    SELECT tenant_id FROM tenants WHERE tenant_id IS NOT NULL`.execute(trx);
  return result.rows.map((row) => row.tenant_id);
}

/** Each tenant's oldest heads (at most `limitOf(tenant)`), oldest first, one statement per hundred tenants. */
async function oldestHeadsPerTenant(
  trx: Kysely<Tables>,
  now: number,
  tenants: readonly string[],
  limitOf: (tenantId: string) => number,
): Promise<MessageRow[][]> {
  const byTenant = new Map<string, MessageRow[]>(tenants.map((tenantId) => [tenantId, []]));
  for (let start = 0; start < tenants.length; start += TENANTS_PER_STATEMENT) {
    // Each tenant's part wrapped as a derived table: SQLite allows ORDER BY / LIMIT in a compound SELECT's parts
    // only there.
    const parts = tenants
      .slice(start, start + TENANTS_PER_STATEMENT)
      .map((tenantId, i) =>
        trx
          .selectFrom(
            headsQuery(trx, now)
              .where('m.tenant_id', '=', tenantId)
              .orderBy('m.seq')
              .limit(limitOf(tenantId))
              .as(`t${i}`),
          )
          .selectAll(),
      );
    const [first, ...rest] = parts;
    const rows = await rest.reduce((query, part) => query.unionAll(part), first!).execute();
    for (const row of rows) byTenant.get(row.tenant_id)?.push(row);
  }
  return [...byTenant.values()].map((rows) => rows.sort((a, b) => Number(a.seq) - Number(b.seq)));
}

/** One from each tenant in turn, the tenant whose oldest head waited longest first. */
function roundRobin(perTenant: readonly MessageRow[][]): MessageRow[] {
  const queues = perTenant
    .filter((rows) => rows.length > 0)
    .sort((a, b) => Number(a[0]!.seq) - Number(b[0]!.seq));
  const dealt: MessageRow[] = [];
  for (let i = 0; queues.some((rows) => i < rows.length); i += 1) {
    for (const rows of queues) if (i < rows.length) dealt.push(rows[i]!);
  }
  return dealt;
}

/** Keys of this tenant among those already seen (every sender's key is `tenant/subject`, work-item.ts). */
function countSkipped(skippedKeys: ReadonlySet<string>, tenantId: string): number {
  let count = 0;
  for (const key of skippedKeys) if (key.startsWith(`${tenantId}/`)) count += 1;
  return count;
}
