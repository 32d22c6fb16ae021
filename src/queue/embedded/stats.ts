/**
 * `stats` on the embedded queue: exact counts, one query per state, read from the queue's own table (the same
 * conditions message-state.ts gives every other query, so a count never disagrees with what `receive` leases).
 */
import type { Kysely } from 'kysely';
import type { Tables } from '../../store/tables';
import type { QueueStats, QueueStatsOptions } from '../queue';
import { leased, notLeased, type MessageCondition } from './message-state';

async function countMessages(db: Kysely<Tables>, conditions: MessageCondition[]): Promise<number> {
  let query = db.selectFrom('queue_messages').select((eb) => eb.fn.countAll<number | string>().as('n'));
  for (const condition of conditions) query = query.where(condition);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

async function oldestEnqueuedAt(db: Kysely<Tables>, conditions: MessageCondition[]): Promise<Date | null> {
  let query = db
    .selectFrom('queue_messages')
    .select((eb) => eb.fn.min<number | string | null>('enqueued_at').as('at'));
  for (const condition of conditions) query = query.where(condition);
  const row = await query.executeTakeFirstOrThrow();
  return row.at === null ? null : new Date(Number(row.at));
}

export async function readStats(
  db: Kysely<Tables>,
  options: QueueStatsOptions | undefined,
  now: number,
): Promise<QueueStats> {
  const readyNow: MessageCondition[] = [notLeased(now), (eb) => eb('visible_at', '<=', now)];
  const [ready, scheduled, inFlight, dead, oldest] = await Promise.all([
    countMessages(db, readyNow),
    countMessages(db, [notLeased(now), (eb) => eb('visible_at', '>', now)]),
    countMessages(db, [leased(now)]),
    db
      .selectFrom('queue_dead_letters')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow(),
    options?.oldestReady === true ? oldestEnqueuedAt(db, readyNow) : undefined,
  ]);
  const stats: QueueStats = { ready, scheduled, inFlight, deadLettered: Number(dead.n) };
  return oldest === undefined ? stats : { ...stats, oldestReadyEnqueuedAt: oldest };
}
