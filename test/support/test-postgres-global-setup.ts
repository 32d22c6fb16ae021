/**
 * Part of jest's global setup (jest-global-setup.ts): chooses the PostgreSQL server of the whole run and hands its
 * URL to every worker in TEST_DATABASE_URL (workers inherit the environment). TEST_DATABASE_URL when given, else
 * the machine's 127.0.0.1:5432; when that server does not answer, a real PostgreSQL of the run's own
 * (test/support/embedded-postgres-server.ts), stopped by test-postgres-global-teardown.ts.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { EMBEDDED_POSTGRES_DIR_ENV, startEmbeddedPostgres } from './embedded-postgres-server';
import {
  DEFAULT_TEST_POSTGRES_URL,
  TEST_DATABASE_URL_ENV,
  TEST_POSTGRES_USES_ENV,
} from './test-postgres-url';

async function answers(serverUrl: string): Promise<boolean> {
  const url = new URL(serverUrl);
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString(), connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export default async function setUpTestPostgres(): Promise<void> {
  const wanted = process.env[TEST_DATABASE_URL_ENV] || DEFAULT_TEST_POSTGRES_URL;
  // Every database a test file makes is noted here, so the teardown can say how many suites used the server.
  const uses = mkdtempSync(path.join(os.tmpdir(), 'ra-watch-test-postgres-uses-'));
  process.env[TEST_POSTGRES_USES_ENV] = path.join(uses, 'databases.log');
  if (await answers(wanted)) {
    process.env[TEST_DATABASE_URL_ENV] = wanted;
    return;
  }
  const started = Date.now();
  const server = await startEmbeddedPostgres();
  process.env[TEST_DATABASE_URL_ENV] = server.url;
  process.env[EMBEDDED_POSTGRES_DIR_ENV] = server.dir;
  process.stderr.write(
    `\nPostgreSQL: ${wanted} does not answer; the PostgreSQL suites run against an embedded PostgreSQL at ` +
      `${server.url} (started in ${Date.now() - started} ms, data in ${server.dir}).\n`,
  );
}
