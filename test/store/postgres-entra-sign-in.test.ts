/**
 * PostgreSQL sign-in with an Entra token as the password (DATABASE_URL without a password + an Azure credential).
 * The machine's shared PostgreSQL trusts every local connection, so it could not tell a right password from a
 * wrong one: this starts a throwaway cluster of its own that demands scram-sha-256 passwords over TCP, with a role
 * whose password is the token the credential stand-in issues. The stand-in is the credential boundary (what
 * ManagedIdentityCredential would be on Azure); the pool, pg's sign-in and the token cache are the real ones.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { sql } from 'kysely';
import { Client } from 'pg';
import { openDatabase, type Database } from '../../src/store/database';
import { createEntraPassword, POSTGRES_ENTRA_SCOPE } from '../../src/store/postgres-entra-password';

const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
const bin = (name: string): string => join('/usr/lib/postgresql', versions[0]!, 'bin', name);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
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

/** Runs a PostgreSQL program as the postgres OS user (initdb and the server refuse to run as root). */
function asPostgres(argv: string[]): void {
  const command = argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const result = spawnSync('su', ['postgres', '-s', '/bin/sh', '-c', command], { encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(`${argv.join(' ')} exited ${String(result.status)}:\n${result.stdout}${result.stderr}`);
}

/** Issues the tokens it is given, in order, and counts the requests (what the managed identity endpoint would do). */
class TokenStandIn implements TokenCredential {
  readonly scopes: string[] = [];
  constructor(private readonly tokens: AccessToken[]) {}
  getToken(scopes: string | string[]): Promise<AccessToken | null> {
    this.scopes.push(...(Array.isArray(scopes) ? scopes : [scopes]));
    const token = this.tokens[Math.min(this.scopes.length - 1, this.tokens.length - 1)]!;
    return Promise.resolve(token);
  }
}

describe('PostgreSQL sign-in with an Entra access token as the password', () => {
  let dir: string;
  let port: number;
  let clock = Date.UTC(2026, 0, 1);
  const hour = 3_600_000;

  /** As the cluster's superuser over its Unix socket (trust for local connections only). */
  async function admin(statement: string): Promise<void> {
    const client = new Client({ host: dir, port, user: 'postgres', database: 'postgres' });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ra-watch-pg-entra-'));
    chownSync(dir, Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim()), -1);
    port = await freePort();
    asPostgres([
      bin('initdb'),
      '-D',
      join(dir, 'data'),
      '-U',
      'postgres',
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
    ]);
    asPostgres([
      bin('pg_ctl'),
      '-D',
      join(dir, 'data'),
      '-w',
      '-l',
      join(dir, 'log'),
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`,
      'start',
    ]);
    await admin(`CREATE ROLE "rawatch-identity" LOGIN PASSWORD 'token-one'`);
    await admin(`CREATE DATABASE ra_watch OWNER "rawatch-identity"`);
  }, 120_000);

  afterAll(() => {
    if (dir === undefined) return;
    try {
      asPostgres([bin('pg_ctl'), '-D', join(dir, 'data'), '-m', 'fast', '-w', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const url = (): string => `postgres://rawatch-identity@127.0.0.1:${port}/ra_watch`;

  it('is refused without the token: the cluster really checks passwords', async () => {
    await expect(
      openDatabase(`postgres://rawatch-identity:wrong@127.0.0.1:${port}/ra_watch`, { poolSize: 1 }),
    ).rejects.toThrow(/password authentication failed/);
  });

  it('signs in with the token, migrates, and reuses one token for every connection while it is fresh', async () => {
    const credential = new TokenStandIn([{ token: 'token-one', expiresOnTimestamp: clock + hour }]);
    const database: Database = await openDatabase(url(), {
      poolSize: 4,
      postgresPassword: createEntraPassword(credential, { now: () => clock }),
    });
    try {
      // Four queries at once make the pool open four connections, each signing in.
      const backends = await Promise.all(
        [1, 2, 3, 4].map(() =>
          sql<{ pid: number }>`select pg_backend_pid() as pid, pg_sleep(0.2)`.execute(database.db),
        ),
      );
      expect(new Set(backends.map((r) => r.rows[0]!.pid)).size).toBe(4);
      const tables = await sql<{
        n: number;
      }>`select count(*)::int as n from information_schema.tables where table_schema = 'public'`.execute(
        database.db,
      );
      expect(tables.rows[0]!.n).toBeGreaterThan(0);
      expect(credential.scopes).toEqual([POSTGRES_ENTRA_SCOPE]);
    } finally {
      await database.close();
    }
  });

  it('fetches a new token before the cached one expires, and new connections sign in with it', async () => {
    const credential = new TokenStandIn([
      { token: 'token-one', expiresOnTimestamp: clock + hour },
      { token: 'token-two', expiresOnTimestamp: clock + 2 * hour },
    ]);
    const password = createEntraPassword(credential, { now: () => clock, refreshMarginMs: 5 * 60_000 });
    const database = await openDatabase(url(), { poolSize: 1, postgresPassword: password });
    try {
      expect(credential.scopes).toHaveLength(1);
      // The identity's token rotates: the server now knows only the new one (as Entra's keys would accept it).
      await admin(`ALTER ROLE "rawatch-identity" PASSWORD 'token-two'`);
      // 56 minutes on: inside the 5-minute margin of the first token's expiry.
      clock += 56 * 60_000;
      // New connections (a second pool on the same password function, as a pool opens them over time) sign in
      // with the refreshed token: the server would refuse the cached one.
      const second = await openDatabase(url(), { poolSize: 1, postgresPassword: password });
      try {
        const after = await sql<{ user: string }>`select current_user as user`.execute(second.db);
        expect(after.rows[0]!.user).toBe('rawatch-identity');
      } finally {
        await second.close();
      }
      expect(credential.scopes).toEqual([POSTGRES_ENTRA_SCOPE, POSTGRES_ENTRA_SCOPE]);
      expect(await password()).toBe('token-two');
    } finally {
      await database.close();
    }
  });
});
