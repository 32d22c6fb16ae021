/**
 * The store and the queue, opened as `serve` opens them (migrations included) and pinged, each reported on its own:
 * "the database is fine, Service Bus is not" is the answer an admin needs.
 */
import type { Config } from '../config';
import { describeError } from '../errors';
import { azureCredentialFor } from '../graph/client/credential';
import type { Logger } from '../logger';
import { createQueue } from '../queue/open-queue';
import { openDatabase, type Database } from '../store/database';
import { createEntraPassword } from '../store/postgres-entra-password';
import { createStore } from '../store/sql-store';
import type { CheckResult } from './doctor-check';

export async function checkStoreAndQueue(config: Config, logger: Logger): Promise<CheckResult[]> {
  const identity = azureCredentialFor(config.graph.credential);
  let database: Database;
  try {
    database = await openDatabase(config.databaseUrl, {
      logger,
      ...(identity === null ? {} : { postgresPassword: createEntraPassword(identity) }),
    });
    await createStore(database).ping();
  } catch (error) {
    return [
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
  return results;
}
