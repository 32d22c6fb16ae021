/**
 * Before the pool and the migrations: one connection with a bound on how long it may take, so a start against a
 * PostgreSQL that is down, or behind a firewall that drops packets (pg waits for the operating system's TCP timeout
 * then, minutes), fails within `timeoutMs` with a message that names the server (host, port, database; never the
 * password) and DATABASE_URL. The pool itself keeps pg's defaults: a bound there would also cut a busy pool's waits.
 */
import { Client, type ClientConfig } from 'pg';
import { describeError } from '../errors';

/** The default bound: long enough for a TLS handshake to a distant server, short enough to fail a start clearly. */
export const POSTGRES_CONNECT_TIMEOUT_MS = 10_000;

/** `where`: host:port/database, for the message. */
export async function ensurePostgresReachable(
  config: ClientConfig,
  where: string,
  timeoutMs: number,
): Promise<void> {
  const client = new Client({ ...config, connectionTimeoutMillis: timeoutMs });
  // A connection that fails after connecting must not crash the process with an unhandled 'error' event.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    const why = /timeout/i.test(describeError(error))
      ? `did not answer within ${Math.round(timeoutMs / 1000)} s`
      : `could not be connected to: ${describeError(error)}`;
    throw new Error(
      `PostgreSQL at ${where} (DATABASE_URL) ${why}; check that it runs and accepts connections from here.`,
      {
        cause: error,
      },
    );
  }
  await client.end();
}
