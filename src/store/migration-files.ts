/**
 * The numbered SQL migrations shipped beside this file (`migrations/<engine>/NNN-name.sql`). Resolved from
 * `__dirname` so the same code finds them under ts-jest (src/) and when built (dist/src/, copied by
 * scripts/copy-assets.js).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Engine } from './store';

export interface MigrationFile {
  /** `001-initial`: recorded in schema_migrations. */
  version: string;
  sql: string;
}

export function migrationFiles(engine: Engine): MigrationFile[] {
  const dir = path.join(__dirname, 'migrations', engine);
  return fs
    .readdirSync(dir)
    .filter((name) => /^\d{3}-[a-z0-9-]+\.sql$/.test(name))
    .sort()
    .map((name) => ({
      version: name.replace(/\.sql$/, ''),
      sql: fs.readFileSync(path.join(dir, name), 'utf8'),
    }));
}
