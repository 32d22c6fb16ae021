/**
 * The Store port over SQL: one query layer (Kysely) for SQLite and PostgreSQL. Each concept lives in its own
 * file beside this one; this only assembles them. `close` closes the database, so close the embedded queue (which
 * shares it) first.
 */
import { createAlertRepository } from './alert-repository';
import { createChannelRepository, createRouteRepository } from './channel-repository';
import type { Database } from './database';
import { createEventLog } from './event-log';
import { createJobLeaseRepository } from './job-lease-repository';
import { createIdentificationRepository } from './identification-repository';
import { createOutboxRepository } from './outbox-repository';
import { recordObservation } from './record-observation';
import { createRegistryRepository } from './registry-repository';
import { createSettingsRepository } from './settings-repository';
import { createSnapshotRepository } from './snapshot-repository';
import type { Store } from './store';
import { createSubscriptionRepository } from './subscription-repository';
import { createTenantRepository } from './tenant-repository';

export function createStore(database: Database): Store {
  const db = database.db;
  return {
    engine: database.engine,
    snapshots: createSnapshotRepository(db),
    events: createEventLog(db),
    recordObservation: (observation, routing) => recordObservation(database, observation, routing),
    alerts: createAlertRepository(db),
    outbox: createOutboxRepository(database),
    registry: createRegistryRepository(db),
    identifications: createIdentificationRepository(db),
    subscriptions: createSubscriptionRepository(db),
    settings: createSettingsRepository(db),
    jobLeases: createJobLeaseRepository(db),
    tenants: createTenantRepository(database),
    channels: createChannelRepository(db),
    routes: createRouteRepository(db),
    async ping() {
      await db.selectFrom('leases').select('name').limit(1).execute();
    },
    close: () => database.close(),
  };
}
