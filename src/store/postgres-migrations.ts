/**
 * Applies pending migrations to PostgreSQL. Several replicas may start at once against one database, so the whole
 * run holds a session advisory lock: the first replica applies, the others wait and then find nothing to do. Each
 * migration and its schema_migrations row commit together, so a crash mid-run leaves no half-applied version.
 */
import type { Pool } from 'pg';
import type { Logger } from '../logger';
import { migrationFiles } from './migration-files';

/** Advisory lock namespace for the migration run (the queue uses its own, see queue/embedded/key-lock.ts). */
export const MIGRATION_LOCK: readonly [number, number] = [0x7261_7761, 1]; // 'rawa', 1

export async function applyPostgresMigrations(pool: Pool, logger: Logger | undefined): Promise<string[]> {
  const client = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1, $2)', [...MIGRATION_LOCK]);
    try {
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)',
      );
      for (const migration of migrationFiles('postgres')) {
        const found = await client.query('SELECT 1 FROM schema_migrations WHERE version = $1', [
          migration.version,
        ]);
        if ((found.rowCount ?? 0) > 0) continue;
        await client.query('BEGIN');
        try {
          // No parameters: the simple query protocol runs the file's statements in one round trip.
          await client.query(migration.sql);
          await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [
            migration.version,
            new Date().toISOString(),
          ]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw new Error(`migration ${migration.version} failed on PostgreSQL`, { cause: error });
        }
        applied.push(migration.version);
        logger?.info({ migration: migration.version, engine: 'postgres' }, 'migration applied');
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, $2)', [...MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
  return applied;
}
