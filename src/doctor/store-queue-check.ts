/**
 * The store and the queue, opened as `serve` opens them (migrations included) and pinged, each reported on its own:
 * "the database is fine, Service Bus is not" is the answer an admin needs. The store also says which tenants the
 * registry watches (`ra-watch tenants add`), so the Graph checks cover each of them, not only AZURE_TENANT_ID.
 */
import type { Config } from '../config';
import { describeError } from '../errors';
import { azureCredentialFor } from '../graph/client/credential';
import type { Logger } from '../logger';
import { createQueue } from '../queue/open-queue';
import { openDatabase, type Database } from '../store/database';
import { createEntraPassword } from '../store/postgres-entra-password';
import { createStore } from '../store/sql-store';
import type { StoredChannel } from '../store/store';
import type { CheckResult } from './doctor-check';

export interface StoreQueueCheck {
  results: CheckResult[];
  /** Ids of the tenants the registry watches (active or blind); empty when the store could not be read. */
  registeredTenants: string[];
  /** The named alert channels (issue 19), sealed as stored; empty when the store could not be read. */
  storedChannels: StoredChannel[];
}

export async function checkStoreAndQueue(config: Config, logger: Logger): Promise<StoreQueueCheck> {
  const identity = azureCredentialFor(config.graph.credential);
  let database: Database;
  let registeredTenants: string[];
  let storedChannels: StoredChannel[];
  try {
    database = await openDatabase(config.databaseUrl, {
      logger,
      ...(identity === null ? {} : { postgresPassword: createEntraPassword(identity) }),
    });
    const store = createStore(database);
    await store.ping();
    registeredTenants = (await store.tenants.list())
      .filter((t) => t.status === 'active' || t.status === 'blind')
      .map((t) => t.id);
    storedChannels = await store.channels.list();
  } catch (error) {
    const results: CheckResult[] = [
      {
        check: 'store',
        title: 'Store (DATABASE_URL)',
        status: 'fail',
        detail: `cannot be opened: ${describeError(error)}`,
        fix: 'Check DATABASE_URL (host, port, database, user) and that the database server accepts connections from here.',
      },
      {
        check: 'queue',
        title: `Queue (QUEUE=${config.queue.kind})`,
        status: 'skipped',
        detail: 'not tried: the store could not be opened',
      },
    ];
    return { results, registeredTenants: [], storedChannels: [] };
  }
  const results: CheckResult[] = [
    { check: 'store', title: 'Store (DATABASE_URL)', status: 'ok', detail: `${database.engine}, reachable` },
  ];
  try {
    const queue = createQueue(config, database, logger);
    try {
      await queue.ping();
      results.push({
        check: 'queue',
        title: `Queue (QUEUE=${config.queue.kind})`,
        status: 'ok',
        detail: 'reachable',
      });
    } finally {
      await queue.close();
    }
  } catch (error) {
    results.push({
      check: 'queue',
      title: `Queue (QUEUE=${config.queue.kind})`,
      status: 'fail',
      detail: `unreachable: ${describeError(error)}`,
      fix:
        config.queue.kind === 'service-bus'
          ? 'Check SERVICE_BUS_CONNECTION_STRING (or SERVICE_BUS_NAMESPACE and the identity\'s "Azure Service Bus Data Owner" role) and SERVICE_BUS_QUEUE.'
          : 'The embedded queue lives in the store: see the store check.',
    });
  } finally {
    await database.close();
  }
  return { results, registeredTenants, storedChannels };
}
