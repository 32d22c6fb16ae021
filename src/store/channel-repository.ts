/**
 * Named alert channels and their routes (issue 19), one table each. The repository stores what it is given: the
 * secrets arrive sealed (alerts/channels/channel-secrets.ts) and leave sealed; nothing here can read them.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Severity } from '../glossary';
import { normaliseTime } from './iso-time';
import { readJson } from './json-column';
import type { ChannelKind, Store, StoredChannel, StoredRoute } from './store';
import type { AlertChannelsTable, AlertRoutesTable, Tables } from './tables';

function toChannel(row: Selectable<AlertChannelsTable>): StoredChannel {
  return {
    name: row.name,
    kind: row.kind as ChannelKind,
    target: row.target,
    sealedSecrets: row.sealed_secrets,
    settings: readJson<Record<string, unknown>>(row.settings, `settings of channel ${row.name}`),
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
  };
}

function toRoute(row: Selectable<AlertRoutesTable>): StoredRoute {
  return {
    id: row.id,
    tenantIds: readJson<string[]>(row.tenant_ids, `tenants of route ${row.id}`),
    severities: readJson<Severity[]>(row.severities, `severities of route ${row.id}`),
    channels: readJson<string[]>(row.channels, `channels of route ${row.id}`),
    alsoDefault: Number(row.also_default) === 1,
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}

export function createChannelRepository(db: Kysely<Tables>): Store['channels'] {
  return {
    async list() {
      return (await db.selectFrom('alert_channels').selectAll().orderBy('name').execute()).map(toChannel);
    },
    async get(name) {
      const row = await db
        .selectFrom('alert_channels')
        .selectAll()
        .where('name', '=', name)
        .executeTakeFirst();
      return row === undefined ? null : toChannel(row);
    },
    async insert(channel) {
      const result = await db
        .insertInto('alert_channels')
        .values({
          name: channel.name,
          kind: channel.kind,
          target: channel.target,
          sealed_secrets: channel.sealedSecrets,
          settings: JSON.stringify(channel.settings),
          created_at: normaliseTime(channel.createdAt),
          created_by: channel.createdBy,
          updated_at: normaliseTime(channel.updatedAt),
        })
        .onConflict((oc) => oc.column('name').doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
    },
    async updateSecrets(name, sealedSecrets, updatedAt) {
      const result = await db
        .updateTable('alert_channels')
        .set({ sealed_secrets: sealedSecrets, updated_at: normaliseTime(updatedAt) })
        .where('name', '=', name)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    async delete(name) {
      const result = await db.deleteFrom('alert_channels').where('name', '=', name).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}

export function createRouteRepository(db: Kysely<Tables>): Store['routes'] {
  return {
    async list() {
      return (
        await db.selectFrom('alert_routes').selectAll().orderBy('created_at').orderBy('id').execute()
      ).map(toRoute);
    },
    async insert(route) {
      await db
        .insertInto('alert_routes')
        .values({
          id: route.id,
          tenant_ids: JSON.stringify(route.tenantIds),
          severities: JSON.stringify(route.severities),
          channels: JSON.stringify(route.channels),
          also_default: route.alsoDefault ? 1 : 0,
          created_at: normaliseTime(route.createdAt),
          created_by: route.createdBy,
        })
        .execute();
    },
    async delete(id) {
      const result = await db.deleteFrom('alert_routes').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}
