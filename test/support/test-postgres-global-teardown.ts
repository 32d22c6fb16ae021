/**
 * Jest global teardown: says how many test files ran against the run's PostgreSQL (so a run on the embedded server
 * shows that the PostgreSQL suites did run), and stops the embedded server if the global setup started one.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { EMBEDDED_POSTGRES_DIR_ENV, stopEmbeddedPostgres } from './embedded-postgres-server';
import { TEST_DATABASE_URL_ENV, TEST_POSTGRES_USES_ENV } from './test-postgres-url';

export default async function tearDownTestPostgres(): Promise<void> {
  const embeddedDir = process.env[EMBEDDED_POSTGRES_DIR_ENV];
  const uses = process.env[TEST_POSTGRES_USES_ENV];
  if (uses !== undefined && uses !== '') {
    const lines = existsSync(uses)
      ? readFileSync(uses, 'utf8')
          .split('\n')
          .filter((line) => line !== '')
      : [];
    const files = new Set(lines);
    const server = `${embeddedDir ? 'the embedded PostgreSQL at ' : ''}${process.env[TEST_DATABASE_URL_ENV] ?? ''}`;
    process.stderr.write(
      `\nPostgreSQL: ${files.size} test files made ${lines.length} databases on ${server}\n`,
    );
    rmSync(path.dirname(uses), { recursive: true, force: true });
  }
  if (embeddedDir !== undefined && embeddedDir !== '') await stopEmbeddedPostgres(embeddedDir);
}
