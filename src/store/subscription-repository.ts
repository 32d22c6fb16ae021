/** The Graph subscriptions ra-watch created (the client state is kept by name only, never the secret). */
import type { Kysely, Selectable } from 'kysely';
import { normaliseOptionalTime, normaliseTime } from './iso-time';
import type { Store, StoredSubscription } from './store';
import type { SubscriptionsTable, Tables } from './tables';

function toSubscription(row: Selectable<SubscriptionsTable>): StoredSubscription {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    resource: row.resource,
    changeType: row.change_type,
    notificationUrl: row.notification_url,
    lifecycleNotificationUrl: row.lifecycle_notification_url,
    expiresAt: row.expires_at,
    clientStateRef: row.client_state_ref,
    createdAt: row.created_at,
    lastRenewedAt: row.last_renewed_at,
    lastNotificationAt: row.last_notification_at,
    status: row.status as StoredSubscription['status'],
  };
}

export function createSubscriptionRepository(db: Kysely<Tables>): Store['subscriptions'] {
  return {
    async upsert(subscription) {
      const row = {
        id: subscription.id,
        tenant_id: subscription.tenantId,
        resource: subscription.resource,
        change_type: subscription.changeType,
        notification_url: subscription.notificationUrl,
        lifecycle_notification_url: subscription.lifecycleNotificationUrl,
        expires_at: normaliseTime(subscription.expiresAt),
        client_state_ref: subscription.clientStateRef,
        created_at: normaliseTime(subscription.createdAt),
        last_renewed_at: normaliseOptionalTime(subscription.lastRenewedAt),
        last_notification_at: normaliseOptionalTime(subscription.lastNotificationAt),
        status: subscription.status,
      };
      const { id: _id, ...changes } = row;
      await db
        .insertInto('subscriptions')
        .values(row)
        .onConflict((oc) => oc.column('id').doUpdateSet(changes))
        .execute();
    },
    async get(id) {
      const row = await db.selectFrom('subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? null : toSubscription(row);
    },
    async list(tenantId) {
      let query = db.selectFrom('subscriptions').selectAll().orderBy('created_at').orderBy('id');
      if (tenantId !== undefined) query = query.where('tenant_id', '=', tenantId);
      return (await query.execute()).map(toSubscription);
    },
    async delete(id) {
      const result = await db.deleteFrom('subscriptions').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
    async touchNotification(id, at) {
      await db
        .updateTable('subscriptions')
        .set({ last_notification_at: normaliseTime(at) })
        .where('id', '=', id)
        .execute();
    },
  };
}
