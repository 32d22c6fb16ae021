/**
 * Which store a command opens, one rule for `serve` and every one-shot command, so `ra-watch alerts list` reads what
 * `npm start` wrote. With no Graph credential `serve` watches the built-in demo tenants, and with DATABASE_URL left
 * at its default it keeps them in a file of their own (a later real tenant starts on a clean store); the one-shot
 * commands, under the same configuration, open that same file. A DATABASE_URL that is set is used as it is.
 */
import type { Config } from '../config';
import { variables } from '../config/variables';
import { parseDatabaseUrl } from '../store/database-url';

const DEFAULT_DATABASE_URL = variables.DATABASE_URL.default;
/** The demo tenants get their own file, so a later real tenant starts on a clean store. */
export const DEMO_DATABASE_URL = 'sqlite:./data/ra-watch-demo.db';

/** True when this configuration watches the demo tenants (no Graph credential of any kind). */
export function watchesDemoTenants(config: Config): boolean {
  return config.graph.credential.kind === 'none';
}

/** The DATABASE_URL `serve` writes to and the one-shot commands read from under `config`. */
export function storeUrlFor(config: Config): string {
  return watchesDemoTenants(config) && config.databaseUrl === DEFAULT_DATABASE_URL
    ? DEMO_DATABASE_URL
    : config.databaseUrl;
}

/**
 * Where a command looked, for "nothing found" messages: the SQLite file, or the PostgreSQL host and database (never
 * the URL itself, which may carry a password), and why that one.
 */
export function describeStore(config: Config): string {
  const url = storeUrlFor(config);
  const target = parseDatabaseUrl(url);
  const where =
    target.engine === 'sqlite' ? `the SQLite file ${target.filename}` : `PostgreSQL ${postgresPlace(url)}`;
  if (url === DEMO_DATABASE_URL && url !== config.databaseUrl)
    return `${where} (the demo tenants' store: no Graph credential is configured; DATABASE_URL chooses another)`;
  return `${where} (DATABASE_URL)`;
}

function postgresPlace(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}${parsed.port === '' ? '' : `:${parsed.port}`}${parsed.pathname}`;
  } catch {
    return '(DATABASE_URL)';
  }
}
