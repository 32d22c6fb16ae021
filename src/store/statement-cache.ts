/**
 * The SQLite connection as Kysely sees it, with its prepared statements kept for reuse. Kysely prepares every
 * statement it runs afresh; better-sqlite3 compiles each one, and under a storm that compiling was a tenth of the
 * worker's time (the noisy-neighbour bench's profile, issue 19 item 6) for the same few dozen statements again and
 * again. Kept by SQL text, the least recently used dropped past `size` (a statement with a list of ids is a new text
 * per list length). Reuse is safe here: Kysely runs a statement to completion (`all`, `run`) before the next, and
 * nothing in ra-watch streams (`iterate` would hold the statement busy).
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

export function withStatementCache(sqlite: BetterSqlite3.Database, size: number): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => {
      statements.clear();
      sqlite.close();
    },
    prepare(sql) {
      const kept = statements.get(sql);
      if (kept !== undefined) {
        // Most recently used last: a Map iterates in insertion order.
        statements.delete(sql);
        statements.set(sql, kept);
        return kept;
      }
      const statement = sqlite.prepare(sql);
      statements.set(sql, statement);
      if (statements.size > size) statements.delete(statements.keys().next().value!);
      return statement;
    },
  };
}
