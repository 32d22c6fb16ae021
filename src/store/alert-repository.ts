/**
 * Reading and acknowledging alerts. Opening, updating and resolving are planned by `alerts/plan-alert-changes.ts`
 * and written by `record-observation.ts`.
 */
import type { Kysely } from 'kysely';
import { toAlert } from './alert-rows';
import { normaliseOptionalTime, normaliseTime } from './iso-time';
import type { Store } from './store';
import type { Tables } from './tables';

export function createAlertRepository(db: Kysely<Tables>): Store['alerts'] {
  async function get(id: string) {
    const row = await db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? null : toAlert(row);
  }
  return {
    get,
    async list(filter) {
      let query = db
        .selectFrom('alerts')
        .selectAll()
        .orderBy('first_seen_at', 'desc')
        .orderBy('id')
        .limit(filter.limit ?? 500);
      if (filter.tenantId !== undefined) query = query.where('tenant_id', '=', filter.tenantId);
      if (filter.state !== undefined) query = query.where('state', '=', filter.state);
      if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
      return (await query.execute()).map(toAlert);
    },
    async acknowledge(id, by, reason, snoozeUntil, at) {
      const result = await db
        .updateTable('alerts')
        .set({
          acknowledged_at: normaliseTime(at),
          acknowledged_by: by,
          acknowledge_reason: reason,
          snoozed_until: normaliseOptionalTime(snoozeUntil),
        })
        .where('id', '=', id)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) return null;
      return get(id);
    },
  };
}
