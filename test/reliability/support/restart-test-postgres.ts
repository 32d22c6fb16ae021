/**
 * Restarts the PostgreSQL this run uses: the embedded one through its data directory when the global setup started
 * one (test/support/embedded-postgres-server.ts), otherwise the machine's cluster with `pg_ctlcluster`.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import {
  EMBEDDED_POSTGRES_DIR_ENV,
  ensureEmbeddedPostgresRunning,
  restartEmbeddedPostgres,
} from '../../support/embedded-postgres-server';

const run = promisify(execFile);

function embeddedDir(): string | null {
  const dir = process.env[EMBEDDED_POSTGRES_DIR_ENV];
  return dir === undefined || dir === '' ? null : dir;
}

function clusterVersion(): string {
  const versions = readdirSync('/etc/postgresql');
  if (versions.length !== 1)
    throw new Error(
      `expected one PostgreSQL cluster version in /etc/postgresql, found ${versions.join(', ')}`,
    );
  return versions[0]!;
}

async function pgctlcluster(action: 'restart' | 'start' | 'status'): Promise<void> {
  await run('pg_ctlcluster', ['--skip-systemctl-redirect', clusterVersion(), 'main', action]);
}

/** How the restart is done, for the verdict line. */
export function restartCommand(): string {
  return embeddedDir() === null ? 'pg_ctlcluster restart' : 'pg_ctl restart (the embedded PostgreSQL)';
}

export async function restartTestPostgres(): Promise<void> {
  const dir = embeddedDir();
  await (dir === null ? pgctlcluster('restart') : restartEmbeddedPostgres(dir));
}

/** Whatever happened, leave the server running for the rest of the run. */
export async function ensureTestPostgresRunning(): Promise<void> {
  const dir = embeddedDir();
  if (dir !== null) return ensureEmbeddedPostgresRunning(dir);
  await pgctlcluster('status').catch(() => pgctlcluster('start'));
}
