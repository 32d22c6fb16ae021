/**
 * Real databases for tests: every contract suite runs over both engines. SQLite is a temp file; PostgreSQL is the
 * server the run's global setup chose (TEST_DATABASE_URL, the machine's 127.0.0.1:5432, or an embedded PostgreSQL of
 * the run's own: test/support/test-postgres-global-setup.ts) with a fresh, randomly named database per call, dropped
 * (WITH (FORCE)) afterwards.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { openDatabase, type Database } from '../../src/store/database';
import type { Engine } from '../../src/store/store';
import { noteTestPostgresUse, testPostgresUrl } from './test-postgres-url';

export const ENGINES: Engine[] = ['sqlite', 'postgres'];

export interface TestDatabase {
  /** The DATABASE_URL of this database (a child process can open it too). */
  url: string;
  database: Database;
  /** Closes `database` and removes the file / drops the PostgreSQL database. */
  drop(): Promise<void>;
}

/** A fresh, empty, migrated database. */
export async function createTestDatabase(engine: Engine): Promise<TestDatabase> {
  const url = await createEmptyDatabase(engine);
  const database = await openDatabase(url.url);
  return {
    url: url.url,
    database,
    drop: async () => {
      await database.close();
      await url.drop();
    },
  };
}

/** A fresh database that nothing has opened yet (for migration tests). `drop` only removes it. */
export async function createEmptyDatabase(engine: Engine): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `ra_watch_test_${randomBytes(6).toString('hex')}`;
  if (engine === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ra-watch-test-'));
    return {
      url: `sqlite:${path.join(dir, `${name}.db`)}`,
      drop: () => fs.promises.rm(dir, { recursive: true, force: true }),
    };
  }
  await withAdminClient((client) => client.query(`CREATE DATABASE ${name}`));
  noteTestPostgresUse();
  return {
    url: testPostgresUrl(name),
    drop: () => withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

async function withAdminClient(work: (client: Client) => Promise<unknown>): Promise<void> {
  const client = new Client({ connectionString: testPostgresUrl('postgres') });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
