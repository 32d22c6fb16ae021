/**
 * Per-tenant job leases (issue 21): the row (job, tenant) names the replica that runs that job for that tenant this
 * interval. Taking it is one conditional upsert (insert, or overwrite only a row that has expired), so of several
 * replicas asking at once exactly one wins; the others skip the tenant until the row expires.
 */
import type { Kysely } from 'kysely';
import { normaliseTime } from './iso-time';
import type { Store } from './store';
import type { Tables } from './tables';

export function createJobLeaseRepository(db: Kysely<Tables>): Store['jobLeases'] {
  return {
    async tryAcquire(lease, now) {
      const at = normaliseTime(now);
      const result = await db
        .insertInto('job_leases')
        .values({
          job: lease.job,
          tenant_id: lease.tenantId,
          holder: lease.holder,
          expires_at: normaliseTime(lease.expiresAt),
        })
        .onConflict((oc) =>
          oc
            .columns(['job', 'tenant_id'])
            .doUpdateSet((eb) => ({
              holder: eb.ref('excluded.holder'),
              expires_at: eb.ref('excluded.expires_at'),
            }))
            // Expired only, even for the holder itself: a lease is one run per interval, not a standing claim.
            .where('job_leases.expires_at', '<=', at),
        )
        .executeTakeFirst();
      return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
    },
    async extend(lease) {
      const result = await db
        .updateTable('job_leases')
        .set({ expires_at: normaliseTime(lease.expiresAt) })
        .where('job', '=', lease.job)
        .where('tenant_id', '=', lease.tenantId)
        .where('holder', '=', lease.holder)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    async list(job) {
      let query = db.selectFrom('job_leases').selectAll().orderBy('job').orderBy('tenant_id');
      if (job !== undefined) query = query.where('job', '=', job);
      const rows = await query.execute();
      return rows.map((row) => ({
        job: row.job,
        tenantId: row.tenant_id,
        holder: row.holder,
        expiresAt: row.expires_at,
      }));
    },
  };
}
