/**
 * A start that cannot complete exits instead of hanging: `ra-watch serve` (a real process) with DATABASE_URL on a
 * PostgreSQL that does not answer (port 1 refuses) exits 1 and says which server, with a tenant configured and in
 * the demo mode too (where the in-process Graph simulator once kept the failed process alive).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

jest.setTimeout(180_000);

const root = join(__dirname, '..', '..');
const UNREACHABLE = 'postgres://postgres@127.0.0.1:1/ra_watch';

async function serveExit(extra: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  const directory = await mkdtemp(join(tmpdir(), 'ra-watch-fatal-'));
  try {
    const child = spawn(
      process.execPath,
      ['-r', join(root, 'test/support/ts-register.js'), join(root, 'src/cli/main.ts'), 'serve'],
      {
        cwd: directory,
        env: { PATH: process.env.PATH, DATABASE_URL: UNREACHABLE, PORT: '0', HOST: '127.0.0.1', ...extra },
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // No timer of our own: a process that hangs fails the test by jest's timeout, and is killed below.
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    child.kill('SIGKILL');
    return { code, stderr };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

describe('ra-watch serve on an unreachable PostgreSQL', () => {
  it('exits 1 with the server named when a tenant is configured', async () => {
    const { code, stderr } = await serveExit({
      GRAPH_ACCESS_TOKEN: 'unused-token',
      AZURE_TENANT_ID: '5f1c9a3e-7d2b-4c8e-9a61-3b0d4e2f8c17',
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /ra-watch: could not start: PostgreSQL at 127\.0\.0\.1:1\/ra_watch \(DATABASE_URL\) could not be connected to: .*ECONNREFUSED/,
    );
  });

  it('exits 1 in the demo mode too, the simulator stopped with it', async () => {
    const { code, stderr } = await serveExit({});
    expect(code).toBe(1);
    expect(stderr).toMatch(/no tenant is configured/);
    expect(stderr).toMatch(
      /ra-watch: could not start: PostgreSQL at 127\.0\.0\.1:1\/ra_watch \(DATABASE_URL\)/,
    );
  });
});
