/** The admin's resource-account registry (DOMAIN.md §4 source 4: always wins over detection). */
import type { Kysely, Selectable } from 'kysely';
import { normaliseTime } from './iso-time';
import type { RegistryEntry, Store } from './store';
import type { ResourceAccountRegistryTable, Tables } from './tables';

function toEntry(row: Selectable<ResourceAccountRegistryTable>): RegistryEntry {
  return {
    tenantId: row.tenant_id,
    userId: row.user_id,
    isResourceAccount: row.is_resource_account === 1,
    application: row.application as RegistryEntry['application'],
    note: row.note,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

export function createRegistryRepository(db: Kysely<Tables>): Store['registry'] {
  return {
    async get(tenantId, userId) {
      const row = await db
        .selectFrom('resource_account_registry')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row === undefined ? null : toEntry(row);
    },
    async list(tenantId) {
      let query = db
        .selectFrom('resource_account_registry')
        .selectAll()
        .orderBy('tenant_id')
        .orderBy('user_id');
      if (tenantId !== undefined) query = query.where('tenant_id', '=', tenantId);
      return (await query.execute()).map(toEntry);
    },
    async put(entry) {
      const row = {
        tenant_id: entry.tenantId,
        user_id: entry.userId,
        is_resource_account: entry.isResourceAccount ? 1 : 0,
        application: entry.application,
        note: entry.note,
        updated_at: normaliseTime(entry.updatedAt),
        updated_by: entry.updatedBy,
      };
      const { tenant_id: _t, user_id: _u, ...changes } = row;
      await db
        .insertInto('resource_account_registry')
        .values(row)
        .onConflict((oc) => oc.columns(['tenant_id', 'user_id']).doUpdateSet(changes))
        .execute();
    },
    async delete(tenantId, userId) {
      const result = await db
        .deleteFrom('resource_account_registry')
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}
