/**
 * Opens the store's database from `DATABASE_URL` and brings its schema up to date. The rest of the app sees only
 * `Database` (an engine name and a Kysely instance over `Tables`); better-sqlite3 and pg stay in this folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { Pool } from 'pg';
import { parseIntoClientConfig } from 'pg-connection-string';
import type { Logger } from '../logger';
import { parseDatabaseUrl } from './database-url';
import { EventLoopTurns } from './event-loop-turns';
import { withStatementCache } from './statement-cache';
import { applyPostgresMigrations } from './postgres-migrations';
import { ensurePostgresReachable, POSTGRES_CONNECT_TIMEOUT_MS } from './postgres-reachable';
import { applySqliteMigrations } from './sqlite-migrations';
import type { Engine } from './store';
import type { Tables } from './tables';

export interface Database {
  engine: Engine;
  db: Kysely<Tables>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  logger?: Logger;
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
  /** How long a SQLite writer waits for another process's write lock (default 5000 ms). */
  busyTimeoutMs?: number;
  /**
   * The PostgreSQL password of a URL that has none, asked for each new connection (Microsoft Entra sign-in:
   * postgres-entra-password.ts). A password in the URL wins; a server that asks for none never calls it.
   */
  postgresPassword?: () => Promise<string>;
  /** How long the first PostgreSQL connection may take before start fails (default 10 s: postgres-reachable.ts). */
  connectTimeoutMs?: number;
}

/**
 * Open one `Database` per SQLite file per process and share it: better-sqlite3 is synchronous, so a second
 * connection in the same process that waits for the first one's write lock (busy_timeout) blocks the event loop
 * the first one needs to finish. Kysely's single connection already serialises this process's transactions.
 */
export async function openDatabase(url: string, options: OpenDatabaseOptions = {}): Promise<Database> {
  const target = parseDatabaseUrl(url);
  if (target.engine === 'sqlite') return openSqlite(target.filename, options);
  return openPostgres(target.connectionString, options);
}

/** How long SQLite statements may run back to back before the event loop gets a turn (event-loop-turns.ts). */
const SQLITE_TURN_BUDGET_MS = 5;
/** Prepared statements kept for reuse (statement-cache.ts): the worker's and the queue's few dozen, and room. */
const SQLITE_STATEMENTS_KEPT = 500;

function openSqlite(filename: string, options: OpenDatabaseOptions): Database {
  const inMemory = filename === ':memory:';
  if (!inMemory) fs.mkdirSync(path.dirname(path.resolve(filename)), { recursive: true });
  const sqlite = new BetterSqlite3(filename);
  try {
    // WAL: readers never block the writer. synchronous=FULL: a commit is on disk before send() resolves (the
    // queue's durability promise to ingest). busy_timeout: another process (a second replica, the CLI) holding
    // the write lock makes us wait instead of failing.
    // busy_timeout first: switching to WAL takes a lock another process opening the file may hold.
    sqlite.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
    if (!inMemory) sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    applySqliteMigrations(sqlite, options.logger);
  } catch (error) {
    sqlite.close();
    throw error;
  }
  const db = new Kysely<Tables>({
    dialect: new SqliteDialect({ database: withStatementCache(sqlite, SQLITE_STATEMENTS_KEPT) }),
    plugins: [new EventLoopTurns(SQLITE_TURN_BUDGET_MS)],
  });
  return { engine: 'sqlite', db, close: closeOnce(() => db.destroy()) };
}

async function openPostgres(connectionString: string, options: OpenDatabaseOptions): Promise<Database> {
  const max = options.poolSize ?? 10;
  const parsed = parseIntoClientConfig(connectionString);
  // pg lets a connection string's (empty) password override a `password` function given beside it, so a URL with no
  // password is handed over parsed, with the function in its place.
  const clientConfig =
    options.postgresPassword === undefined || (typeof parsed.password === 'string' && parsed.password !== '')
      ? { connectionString }
      : { ...parsed, password: options.postgresPassword };
  await ensurePostgresReachable(
    clientConfig,
    `${parsed.host ?? 'localhost'}:${parsed.port ?? 5432}/${parsed.database ?? ''}`,
    options.connectTimeoutMs ?? POSTGRES_CONNECT_TIMEOUT_MS,
  );
  const pool = new Pool({ ...clientConfig, max });
  // An idle client losing its connection (a PostgreSQL restart) must not crash the process; the next query
  // reconnects or fails with a clear error instead.
  pool.on('error', (error) => options.logger?.warn({ err: error }, 'idle PostgreSQL connection failed'));
  // A connection checked out when the server goes away (a restart, a failover) reports on the client itself, where
  // pg-pool no longer listens: without this, that 'error' event would crash the process. The query in flight fails
  // on its own and its work is retried; the pool replaces the connection.
  pool.on('connect', (client) =>
    client.on('error', (error) => options.logger?.warn({ err: error }, 'PostgreSQL connection lost')),
  );
  try {
    await applyPostgresMigrations(pool, options.logger);
  } catch (error) {
    await pool.end();
    throw error;
  }
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
  // Kysely takes the pool over only at its first query, and destroy() ends it only then: a database closed before
  // any query (a start that fails right after opening it) would keep the migration's connection open.
  const close = async (): Promise<void> => {
    await db.destroy();
    if (!pool.ended) await pool.end();
  };
  return { engine: 'postgres', db, close: closeOnce(close) };
}

function closeOnce(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | null = null;
  return () => (closing ??= close());
}
