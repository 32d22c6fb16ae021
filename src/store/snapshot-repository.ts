/** The last snapshot seen of each user: the "before" of the next diff. */
import type { Kysely } from 'kysely';
import type { TenantId, UserId, UserSnapshot } from '../glossary';
import { normaliseTime } from './iso-time';
import { readJson } from './json-column';
import type { Store } from './store';
import type { Tables } from './tables';

export function createSnapshotRepository(db: Kysely<Tables>): Store['snapshots'] {
  return {
    async get(tenantId: TenantId, userId: UserId) {
      const row = await db
        .selectFrom('user_snapshots')
        .select('snapshot')
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row === undefined ? null : readJson<UserSnapshot>(row.snapshot, 'snapshot');
    },
    async list(tenantId, options = {}) {
      let query = db
        .selectFrom('user_snapshots')
        .select('snapshot')
        .where('tenant_id', '=', tenantId)
        .orderBy('user_id')
        .limit(options.limit ?? 1000);
      if (options.afterUserId !== undefined) query = query.where('user_id', '>', options.afterUserId);
      const rows = await query.execute();
      return rows.map((row) => readJson<UserSnapshot>(row.snapshot, 'snapshot'));
    },
  };
}

export async function upsertSnapshot(trx: Kysely<Tables>, snapshot: UserSnapshot): Promise<void> {
  const row = {
    tenant_id: snapshot.tenantId,
    user_id: snapshot.userId,
    snapshot: JSON.stringify(snapshot),
    observed_at: normaliseTime(snapshot.observedAt),
    deleted: snapshot.deleted ? 1 : 0,
  };
  await trx
    .insertInto('user_snapshots')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'user_id']).doUpdateSet({
        snapshot: row.snapshot,
        observed_at: row.observed_at,
        deleted: row.deleted,
      }),
    )
    .execute();
}
