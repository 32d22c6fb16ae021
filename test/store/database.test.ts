import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { openDatabase } from '../../src/store/database';
import { migrationFiles } from '../../src/store/migration-files';
import { createEmptyDatabase, ENGINES } from '../support/databases';

describe.each(ENGINES)('openDatabase on %s', (engine) => {
  it('applies every migration once, even when four connections start on one fresh database at once', async () => {
    const empty = await createEmptyDatabase(engine);
    try {
      const databases = await Promise.all([1, 2, 3, 4].map(() => openDatabase(empty.url)));
      try {
        const first = databases[0]!;
        const rows = await sql<{
          version: string;
        }>`SELECT version FROM schema_migrations ORDER BY version`.execute(first.db);
        expect(rows.rows.map((row) => row.version)).toEqual(
          migrationFiles(engine).map((file) => file.version),
        );
        // Every replica can use the schema.
        for (const database of databases) {
          await expect(database.db.selectFrom('queue_messages').select('seq').execute()).resolves.toEqual([]);
        }
      } finally {
        await Promise.all(databases.map((database) => database.close()));
      }
    } finally {
      await empty.drop();
    }
  });

  it('opens an already migrated database without applying anything again', async () => {
    const empty = await createEmptyDatabase(engine);
    try {
      const first = await openDatabase(empty.url);
      await first.close();
      const second = await openDatabase(empty.url);
      const rows = await sql<{ n: number | string }>`SELECT count(*) AS n FROM schema_migrations`.execute(
        second.db,
      );
      expect(Number(rows.rows[0]?.n)).toBe(migrationFiles(engine).length);
      await second.close();
    } finally {
      await empty.drop();
    }
  });
});

describe('openDatabase URLs', () => {
  it('rejects an unknown scheme with a message that shows the right forms and not the URL', async () => {
    await expect(openDatabase('mysql://root:secret@db/x')).rejects.toThrow(/sqlite:.*postgres:\/\//);
    await expect(openDatabase('mysql://root:secret@db/x')).rejects.not.toThrow(/secret/);
  });

  it('creates the parent folder of a SQLite file and opens it in WAL mode with synchronous=FULL', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ra-watch-test-'));
    try {
      const database = await openDatabase(`sqlite:${path.join(dir, 'nested', 'data', 'ra-watch.db')}`);
      const mode = await sql<{ journal_mode: string }>`PRAGMA journal_mode`.execute(database.db);
      const synchronous = await sql<{ synchronous: number }>`PRAGMA synchronous`.execute(database.db);
      expect(mode.rows[0]?.journal_mode).toBe('wal');
      expect(synchronous.rows[0]?.synchronous).toBe(2);
      await database.close();
      expect(fs.existsSync(path.join(dir, 'nested', 'data', 'ra-watch.db'))).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('opens sqlite::memory:', async () => {
    const database = await openDatabase('sqlite::memory:');
    expect(database.engine).toBe('sqlite');
    await database.close();
  });
});
