/**
 * Applies pending migrations to a SQLite file. Each migration runs in its own IMMEDIATE transaction, which takes
 * the write lock first, so two processes opening one file at once apply each migration once: the second waits
 * (busy_timeout), then sees the version already recorded.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Logger } from '../logger';
import { migrationFiles } from './migration-files';

export function applySqliteMigrations(db: BetterSqlite3.Database, logger: Logger | undefined): string[] {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)',
  );
  const applied: string[] = [];
  const isApplied = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?');
  const record = db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)');
  for (const migration of migrationFiles('sqlite')) {
    const apply = db.transaction(() => {
      if (isApplied.get(migration.version) !== undefined) return false;
      db.exec(migration.sql);
      record.run(migration.version, new Date().toISOString());
      return true;
    });
    if (apply.immediate()) {
      applied.push(migration.version);
      logger?.info({ migration: migration.version, engine: 'sqlite' }, 'migration applied');
    }
  }
  return applied;
}
