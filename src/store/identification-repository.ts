/** Cached identification results, so the worker does not ask Graph whether an account is an RA on every change. */
import type { Kysely, Selectable } from 'kysely';
import type { IdentificationSource } from '../glossary';
import { normaliseTime } from './iso-time';
import type { IdentificationRecord, Store } from './store';
import type { IdentificationsTable, Tables } from './tables';

function toRecord(row: Selectable<IdentificationsTable>): IdentificationRecord {
  return {
    tenantId: row.tenant_id,
    userId: row.user_id,
    isResourceAccount: row.is_resource_account === 1,
    identifiedBy: row.identified_by as IdentificationSource | null,
    detail: row.detail,
    application: row.application as IdentificationRecord['application'],
    checkedAt: row.checked_at,
  };
}

export function createIdentificationRepository(db: Kysely<Tables>): Store['identifications'] {
  return {
    async get(tenantId, userId) {
      const row = await db
        .selectFrom('identifications')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row === undefined ? null : toRecord(row);
    },
    async put(record) {
      const row = {
        tenant_id: record.tenantId,
        user_id: record.userId,
        is_resource_account: record.isResourceAccount ? 1 : 0,
        identified_by: record.identifiedBy,
        detail: record.detail,
        application: record.application,
        checked_at: normaliseTime(record.checkedAt),
      };
      const { tenant_id: _t, user_id: _u, ...changes } = row;
      await db
        .insertInto('identifications')
        .values(row)
        .onConflict((oc) => oc.columns(['tenant_id', 'user_id']).doUpdateSet(changes))
        .execute();
    },
    async listResourceAccounts(tenantId) {
      const rows = await db
        .selectFrom('identifications')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('is_resource_account', '=', 1)
        .orderBy('user_id')
        .execute();
      return rows.map(toRecord);
    },
  };
}
