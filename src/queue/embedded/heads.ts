/**
 * What a *head* is (receive.ts): a message visible now, not leased, with no message of its key leased and no earlier
 * (lower seq) visible, unleased message of its key waiting. At most one row per key by construction. A message not
 * yet visible (scheduled, or backing off after abandon) does not hold its key up. The one definition, used for the
 * oldest heads of the whole queue and for the oldest heads of one tenant (fair-heads.ts).
 */
import type { Kysely, SelectQueryBuilder } from 'kysely';
import type { Tables } from '../../store/tables';
import type { MessageRow } from './stored-message';

type HeadsQuery = SelectQueryBuilder<Tables & { m: Tables['queue_messages'] }, 'm', MessageRow>;

/** Every head, unordered and unlimited: the caller narrows (a tenant), orders (seq) and limits it. */
export function headsQuery(trx: Kysely<Tables>, now: number): HeadsQuery {
  return trx
    .selectFrom('queue_messages as m')
    .selectAll('m')
    .where('m.visible_at', '<=', now)
    .where((eb) => eb.or([eb('m.lease_expires_at', 'is', null), eb('m.lease_expires_at', '<=', now)]))
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('queue_messages as o')
            .select('o.seq')
            .whereRef('o.ordering_key', '=', 'm.ordering_key')
            .where('o.lease_expires_at', '>', now),
        ),
      ),
    )
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('queue_messages as o')
            .select('o.seq')
            .whereRef('o.ordering_key', '=', 'm.ordering_key')
            .whereRef('o.seq', '<', 'm.seq')
            .where('o.visible_at', '<=', now)
            .where((eb) =>
              eb.or([eb('o.lease_expires_at', 'is', null), eb('o.lease_expires_at', '<=', now)]),
            ),
        ),
      ),
    );
}

/** The oldest heads of the whole queue, but for the tenants in `exceptTenants`, oldest first. */
export async function oldestHeads(
  trx: Kysely<Tables>,
  now: number,
  limit: number,
  exceptTenants: ReadonlySet<string> = new Set(),
): Promise<MessageRow[]> {
  const heads = headsQuery(trx, now);
  return (exceptTenants.size === 0 ? heads : heads.where('m.tenant_id', 'not in', [...exceptTenants]))
    .orderBy('m.seq')
    .limit(limit)
    .execute();
}
