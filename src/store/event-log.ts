/**
 * The append-only event log of `LicenseChange`s. Rows are only inserted (by recordObservation); activities the
 * audit log reveals later go to `event_annotations` beside the event, and reads merge them in, so the original
 * record is never rewritten.
 */
import type { Kysely, SelectQueryBuilder } from 'kysely';
import type { LicenseActivity, LicenseChange } from '../glossary';
import { normaliseTime } from './iso-time';
import { readJson } from './json-column';
import type { EventQuery, Store, StoredEvent } from './store';
import type { Tables } from './tables';

type EventFilter = Omit<EventQuery, 'afterId' | 'limit'>;

export function createEventLog(db: Kysely<Tables>): Store['events'] {
  return {
    async get(id) {
      const row = await db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
      if (row === undefined) return null;
      const [event] = await withAnnotations(db, [row]);
      return event ?? null;
    },
    async query(query) {
      let select = filtered(db.selectFrom('events').selectAll(), query)
        .orderBy('id')
        .limit(query.limit ?? 1000);
      if (query.afterId !== undefined) select = select.where('id', '>', query.afterId);
      return withAnnotations(db, await select.execute());
    },
    async count(query) {
      const row = await filtered(
        db.selectFrom('events').select((eb) => eb.fn.countAll<number | string>().as('n')),
        query,
      ).executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async annotate(id, note) {
      const exists = await db.selectFrom('events').select('id').where('id', '=', id).executeTakeFirst();
      if (exists === undefined) throw new Error(`event ${id} does not exist: nothing to annotate`);
      await db
        .insertInto('event_annotations')
        .values({
          event_id: id,
          activities: JSON.stringify(note.activities),
          annotated_at: new Date().toISOString(),
        })
        .execute();
    },
    async purgeReceivedBefore(before) {
      return db.transaction().execute(async (trx) => {
        const old = trx.selectFrom('events').select('id').where('received_at', '<', normaliseTime(before));
        await trx.deleteFrom('event_annotations').where('event_id', 'in', old).execute();
        const result = await trx
          .deleteFrom('events')
          .where('received_at', '<', normaliseTime(before))
          .executeTakeFirst();
        return Number(result.numDeletedRows);
      });
    },
  };
}

/** Appends one change; returns its id. */
export async function appendEvent(
  trx: Kysely<Tables>,
  change: LicenseChange,
  recordedAt: string,
): Promise<number> {
  const row = await trx
    .insertInto('events')
    .values({
      tenant_id: change.tenantId,
      user_id: change.userId,
      subscription_id: change.source.subscriptionId,
      source_kind: change.source.kind,
      received_at: normaliseTime(change.receivedAt),
      graph_time: change.graphTime === null ? null : normaliseTime(change.graphTime),
      recorded_at: recordedAt,
      change: JSON.stringify(change),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

function filtered<O>(
  select: SelectQueryBuilder<Tables, 'events', O>,
  query: EventFilter,
): SelectQueryBuilder<Tables, 'events', O> {
  let result = select;
  if (query.tenantId !== undefined) result = result.where('tenant_id', '=', query.tenantId);
  if (query.userId !== undefined) result = result.where('user_id', '=', query.userId);
  if (query.subscriptionId !== undefined) result = result.where('subscription_id', '=', query.subscriptionId);
  if (query.from !== undefined) result = result.where('received_at', '>=', normaliseTime(query.from));
  if (query.to !== undefined) result = result.where('received_at', '<', normaliseTime(query.to));
  return result;
}

type EventRow = { id: number | string; change: string; recorded_at: string };

async function withAnnotations(db: Kysely<Tables>, rows: EventRow[]): Promise<StoredEvent[]> {
  if (rows.length === 0) return [];
  const notes = await db
    .selectFrom('event_annotations')
    .select(['event_id', 'activities'])
    .where(
      'event_id',
      'in',
      rows.map((row) => Number(row.id)),
    )
    .orderBy('id')
    .execute();
  const extra = new Map<number, LicenseActivity[]>();
  for (const note of notes) {
    const list = extra.get(Number(note.event_id)) ?? [];
    list.push(...readJson<LicenseActivity[]>(note.activities, 'event annotation'));
    extra.set(Number(note.event_id), list);
  }
  return rows.map((row) => {
    const id = Number(row.id);
    const change = readJson<LicenseChange>(row.change, 'event');
    // Same activity learned twice (a follow-up retried) is listed once.
    const known = new Set(change.activities.map((activity) => activity.activityId));
    for (const activity of extra.get(id) ?? []) {
      if (known.has(activity.activityId)) continue;
      known.add(activity.activityId);
      change.activities.push(activity);
    }
    return { id, change, recordedAt: row.recorded_at };
  });
}
