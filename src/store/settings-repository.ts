/**
 * Small durable values (delta links, audit cursors, the SKU cache) and leader leases. A lease is one
 * compare-and-set statement: insert it, or take it over only when we already hold it or it has run out, so two
 * replicas asking at once cannot both win.
 */
import type { Kysely } from 'kysely';
import { normaliseTime } from './iso-time';
import type { Store } from './store';
import type { Tables } from './tables';

export function createSettingsRepository(db: Kysely<Tables>): Store['settings'] {
  return {
    async get(tenantId, key) {
      const row = await db
        .selectFrom('settings')
        .select('value')
        .where('tenant_id', '=', tenantId)
        .where('key', '=', key)
        .executeTakeFirst();
      return row?.value ?? null;
    },
    async put(tenantId, key, value) {
      const updatedAt = new Date().toISOString();
      await db
        .insertInto('settings')
        .values({ tenant_id: tenantId, key, value, updated_at: updatedAt })
        .onConflict((oc) => oc.columns(['tenant_id', 'key']).doUpdateSet({ value, updated_at: updatedAt }))
        .execute();
    },
    async putIfAbsent(tenantId, key, value) {
      // One statement that never overwrites: of two replicas starting at once, both read the first one's value.
      await db
        .insertInto('settings')
        .values({ tenant_id: tenantId, key, value, updated_at: new Date().toISOString() })
        .onConflict((oc) => oc.columns(['tenant_id', 'key']).doNothing())
        .execute();
      const row = await db
        .selectFrom('settings')
        .select('value')
        .where('tenant_id', '=', tenantId)
        .where('key', '=', key)
        .executeTakeFirstOrThrow();
      return row.value;
    },
    async tryLease(name, holder, until, now) {
      const at = normaliseTime(now);
      const result = await db
        .insertInto('leases')
        .values({ name, holder, until: normaliseTime(until) })
        .onConflict((oc) =>
          oc
            .column('name')
            .doUpdateSet((eb) => ({ holder: eb.ref('excluded.holder'), until: eb.ref('excluded.until') }))
            .where((eb) => eb.or([eb('leases.holder', '=', holder), eb('leases.until', '<=', at)])),
        )
        .executeTakeFirst();
      return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
    },
  };
}
