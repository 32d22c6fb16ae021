/**
 * One write transaction on either engine. SQLite gets `BEGIN IMMEDIATE`: a deferred transaction that reads and
 * then writes fails with SQLITE_BUSY (no waiting) when another process committed in between; taking the write
 * lock up front makes it wait on busy_timeout instead. PostgreSQL uses an ordinary READ COMMITTED transaction;
 * callers that race (claims, leases) add row locks or advisory locks themselves.
 *
 * Inside `work`, use only the `trx` handle: SQLite has one connection, held for the whole transaction.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from './database';
import type { Tables } from './tables';
import { createWriteTurns, type WriteTurns } from './write-turns';

export interface TransactionOptions {
  /**
   * The tenant this transaction writes for: on SQLite, waiting transactions take turns round the tenants
   * (write-turns.ts) so one tenant's storm of writes does not hold another's one write behind it.
   */
  tenantId?: string;
}

/**
 * Per SQLite database (its one connection; PostgreSQL's pool serves transactions side by side): whose transaction
 * goes next, and the other connections' sends to let go first (letSendsWriteFirst).
 */
interface SqliteWriters {
  turns: WriteTurns;
  sends: Set<() => Promise<void> | null>;
}
const writersOf = new WeakMap<Database, SqliteWriters>();

function writers(database: Database): SqliteWriters {
  let found = writersOf.get(database);
  if (found === undefined) {
    found = { turns: createWriteTurns(), sends: new Set() };
    writersOf.set(database, found);
  }
  return found;
}

/**
 * Another connection to the same SQLite file (the embedded queue's send thread) that ingest waits on: each of this
 * connection's transactions first waits for the oldest send posted there to be answered. SQLite gives its write
 * lock to whoever asks when it is free, and the send thread asked again only after SQLite's busy backoff (1, 2, 5 …
 * 100 ms): while the worker's transactions followed one another, a notification's send waited up to 340 ms for a
 * gap (the noisy-neighbour bench), and ingest's 202 with it. `answered` says null while a send may still wait (the
 * send thread's short grace), so a quiet tenant's few transactions do not each wait out a storm's commit. Returns
 * the undo, for the queue's close.
 */
export function letSendsWriteFirst(database: Database, answered: () => Promise<void> | null): () => void {
  const { sends } = writers(database);
  sends.add(answered);
  return () => sends.delete(answered);
}

async function sendsAnswered(sends: ReadonlySet<() => Promise<void> | null>): Promise<void> {
  if (sends.size === 0) return;
  const waits = [...sends].flatMap((answered) => answered() ?? []);
  if (waits.length > 0) await Promise.all(waits);
}

export async function inTransaction<T>(
  database: Database,
  work: (trx: Kysely<Tables>) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  if (database.engine === 'postgres') return database.db.transaction().execute(work);
  const { turns, sends } = writers(database);
  return turns.run(options.tenantId ?? '', async () => {
    await sendsAnswered(sends);
    return sqliteTransaction(database, work);
  });
}

function sqliteTransaction<T>(database: Database, work: (trx: Kysely<Tables>) => Promise<T>): Promise<T> {
  return database.db.connection().execute(async (connection) => {
    await sql`BEGIN IMMEDIATE`.execute(connection);
    let result: T;
    try {
      result = await work(connection);
    } catch (error) {
      await sql`ROLLBACK`.execute(connection);
      throw error;
    }
    try {
      await sql`COMMIT`.execute(connection);
    } catch (error) {
      // A failed COMMIT (disk full, I/O error) leaves the transaction open on the shared connection.
      await sql`ROLLBACK`.execute(connection).catch(() => undefined);
      throw error;
    }
    return result;
  });
}
