/**
 * `DATABASE_URL` forms: `sqlite:./data/ra-watch.db` (a file, relative to the working directory),
 * `sqlite::memory:` (tests, the demo) and `postgres://...` / `postgresql://...`.
 */
import type { Engine } from './store';

export type DatabaseTarget =
  { engine: 'sqlite'; filename: string } | { engine: 'postgres'; connectionString: string };

export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (url.startsWith('sqlite:')) {
    const filename = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (filename.length === 0) {
      throw new Error(
        'DATABASE_URL "sqlite:" names no file: use sqlite:./data/ra-watch.db or sqlite::memory:',
      );
    }
    return { engine: 'sqlite', filename };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    return { engine: 'postgres', connectionString: url };
  }
  // Never echo the URL itself: a PostgreSQL URL may carry a password.
  const scheme = url.split(':', 1)[0] ?? '';
  throw new Error(
    `DATABASE_URL scheme "${scheme}" is not supported: use sqlite:./data/ra-watch.db or postgres://user@host:5432/db`,
  );
}

export function engineOf(url: string): Engine {
  return parseDatabaseUrl(url).engine;
}
