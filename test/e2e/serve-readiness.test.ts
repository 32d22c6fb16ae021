/**
 * `ra-watch serve` (a real process) watching a tenant of the Graph simulator is ready only while Graph accepts its
 * credential: with a token the simulator refuses (401), /readyz is 503 and says "token refused for tenant …"; with the
 * tenant's own token it is 200. The reason comes from the start's own Graph calls, not from the probe.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGraphSimulator, type GraphSimulator } from '../../src/graph/simulator/graph-simulator';
import { scenarioById } from '../../src/graph/simulator/scenarios';

jest.setTimeout(240_000);

const root = join(__dirname, '..', '..');
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Readiness {
  status: string;
  checks: Record<string, string>;
}

async function serve(env: NodeJS.ProcessEnv, cwd: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ['-r', join(root, 'test/support/ts-register.js'), join(root, 'src/cli/main.ts'), 'serve'],
    { cwd, env },
  );
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', () => undefined);
  for (let i = 0; i < 1200; i += 1) {
    const url = /"url":"(http:\/\/127\.0\.0\.1:\d+)"[^\n]*"msg":"ra-watch started"/.exec(stdout)?.[1];
    if (url !== undefined) return { child, url };
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`serve did not start:\n${stdout}`);
}

/** /readyz until `done` says so (or the tries run out), then its last answer. */
async function readyzUntil(
  url: string,
  done: (status: number, body: Readiness) => boolean,
): Promise<{ status: number; body: Readiness }> {
  let last = { status: 0, body: { status: '', checks: {} } };
  for (let i = 0; i < 300; i += 1) {
    const res = await fetch(`${url}/readyz`);
    last = { status: res.status, body: (await res.json()) as Readiness };
    if (done(last.status, last.body)) break;
    await sleep(200);
  }
  return last;
}

describe('ra-watch serve readiness and the Graph credential', () => {
  let sim: GraphSimulator;
  let tenantId: string;
  let directory: string;

  beforeAll(async () => {
    sim = await startGraphSimulator();
    tenantId = sim.seed(scenarioById('atomic-swap')!);
    directory = await mkdtemp(join(tmpdir(), 'ra-watch-ready-'));
  });
  afterAll(async () => {
    await sim.stop();
    await rm(directory, { recursive: true, force: true });
  });

  const envWith = (token: string, db: string): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    DATABASE_URL: `sqlite:${join(directory, db)}`,
    GRAPH_BASE_URL: sim.url,
    GRAPH_ACCESS_TOKEN: token,
    AZURE_TENANT_ID: tenantId,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
  });

  it('is 503 naming the tenant while the simulator refuses the token', async () => {
    const { child, url } = await serve(envWith('sim.not-a-tenant-it-knows', 'refused.db'), directory);
    try {
      const { status, body } = await readyzUntil(url, (s) => s === 503);
      expect(status).toBe(503);
      expect(body.status).toBe('unavailable');
      expect(body.checks.graph).toMatch(
        new RegExp(`^token refused for tenant ${tenantId}: Graph answered 401`),
      );
      expect(body.checks).toMatchObject({ store: 'ok', queue: 'ok', accepting: 'ok' });
      // The simulator did refuse it: a real 401 came back to a call serve made on its own.
      expect(sim.requests().some((r) => r.status === 401)).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it("is 200 with graph 'ok' once Graph has accepted the tenant's own token", async () => {
    const { child, url } = await serve(envWith(sim.tokenFor(tenantId), 'accepted.db'), directory);
    try {
      const accepted = () => sim.requests().some((r) => r.tenantId === tenantId && r.status === 200);
      for (let i = 0; i < 300 && !accepted(); i += 1) await sleep(200);
      expect(accepted()).toBe(true);
      const { status, body } = await readyzUntil(url, (s) => s === 200);
      expect(status).toBe(200);
      expect(body.checks.graph).toBe('ok');
    } finally {
      child.kill('SIGKILL');
    }
  });
});
