/**
 * The PostgreSQL server the tests use, as the global setup chose it (test-postgres-global-setup.ts): a server URL
 * without a database; each test makes its own database on it.
 */
import { appendFileSync } from 'node:fs';

export const TEST_DATABASE_URL_ENV = 'TEST_DATABASE_URL';
/** A file where each database made is noted with its test file (one line each), for the run's closing count. */
export const TEST_POSTGRES_USES_ENV = 'TEST_POSTGRES_USES_FILE';
export const DEFAULT_TEST_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432';

/** `${server}/${database}` on the chosen server (the default one when no global setup ran). */
export function testPostgresUrl(database: string): string {
  const url = new URL(process.env[TEST_DATABASE_URL_ENV] || DEFAULT_TEST_POSTGRES_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Notes that the running test file made a PostgreSQL database (nothing when no global setup ran). */
export function noteTestPostgresUse(): void {
  const file = process.env[TEST_POSTGRES_USES_ENV];
  if (file === undefined || file === '') return;
  const testPath = (globalThis as { expect?: { getState(): { testPath?: string } } }).expect?.getState()
    .testPath;
  appendFileSync(file, `${testPath ?? 'unknown'}\n`);
}
