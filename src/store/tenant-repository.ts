/**
 * The tenant registry (issue 19): the tenants ra-watch watches and the names an admin knows them by. Ids are kept
 * lower-case (Graph and Entra accept either case; every other table stores the lower-case form). `purgeData` is the
 * one place that deletes a tenant's stored data (`tenants remove --purge`), its place in alert routes included, in one
 * transaction so a failure leaves all of it.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Database } from './database';
import { normaliseOptionalTime, normaliseTime } from './iso-time';
import { readJson } from './json-column';
import type { Store, TenantRecord } from './store';
import type { Tables, TenantsTable } from './tables';
import { inTransaction } from './transaction';

function toTenant(row: Selectable<TenantsTable>): TenantRecord {
  return {
    id: row.id,
    displayName: row.display_name,
    defaultDomain: row.default_domain,
    status: row.status as TenantRecord['status'],
    statusDetail: row.status_detail,
    addedAt: row.added_at,
    addedBy: row.added_by,
    checkedAt: row.checked_at,
    settings: readJson<Record<string, unknown>>(row.settings, `settings of tenant ${row.id}`),
  };
}

export function createTenantRepository(database: Database): Store['tenants'] {
  const db: Kysely<Tables> = database.db;
  return {
    async get(id) {
      const row = await db
        .selectFrom('tenants')
        .selectAll()
        .where('id', '=', id.toLowerCase())
        .executeTakeFirst();
      return row === undefined ? null : toTenant(row);
    },
    async list() {
      return (await db.selectFrom('tenants').selectAll().orderBy('added_at').orderBy('id').execute()).map(
        toTenant,
      );
    },
    async put(tenant) {
      const row = {
        id: tenant.id.toLowerCase(),
        display_name: tenant.displayName,
        default_domain: tenant.defaultDomain,
        status: tenant.status,
        status_detail: tenant.statusDetail,
        added_at: normaliseTime(tenant.addedAt),
        added_by: tenant.addedBy,
        checked_at: normaliseOptionalTime(tenant.checkedAt),
        settings: JSON.stringify(tenant.settings),
      };
      const { id: _id, ...changes } = row;
      await db
        .insertInto('tenants')
        .values(row)
        .onConflict((oc) => oc.column('id').doUpdateSet(changes))
        .execute();
    },
    async delete(id) {
      const result = await db.deleteFrom('tenants').where('id', '=', id.toLowerCase()).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
    async purgeData(id) {
      const tenantId = id.toLowerCase();
      return inTransaction(database, async (trx) => {
        const counts: Record<string, number> = {};
        const events = trx.selectFrom('events').select('id').where('tenant_id', '=', tenantId);
        await trx.deleteFrom('event_annotations').where('event_id', 'in', events).execute();
        // Outbox rows before their alerts; every other table is keyed by tenant alone.
        for (const table of [
          'alert_outbox',
          'alerts',
          'events',
          'user_snapshots',
          'subscriptions',
          'identifications',
          'resource_account_registry',
          'settings',
        ] as const) {
          const result = await trx.deleteFrom(table).where('tenant_id', '=', tenantId).executeTakeFirst();
          counts[table] = Number(result.numDeletedRows);
        }
        Object.assign(counts, await forgetInRoutes(trx, tenantId));
        return counts;
      });
    },
  };
}

/**
 * A purged tenant leaves no trace in the routes either. A route that named it among others keeps the others; one
 * that named it alone is deleted, not emptied: an empty tenant list means every tenant (route-table.ts), and a
 * customer's private channel would start receiving everyone's alerts.
 */
async function forgetInRoutes(
  trx: Kysely<Tables>,
  tenantId: string,
): Promise<{ alert_routes: number; alert_routes_narrowed: number }> {
  let deleted = 0;
  let narrowed = 0;
  for (const route of await trx.selectFrom('alert_routes').select(['id', 'tenant_ids']).execute()) {
    const tenantIds = readJson<string[]>(route.tenant_ids, `tenants of route ${route.id}`);
    if (!tenantIds.includes(tenantId)) continue;
    const others = tenantIds.filter((id) => id !== tenantId);
    if (others.length === 0) {
      await trx.deleteFrom('alert_routes').where('id', '=', route.id).execute();
      deleted++;
    } else {
      await trx
        .updateTable('alert_routes')
        .set({ tenant_ids: JSON.stringify(others) })
        .where('id', '=', route.id)
        .execute();
      narrowed++;
    }
  }
  return { alert_routes: deleted, alert_routes_narrowed: narrowed };
}
