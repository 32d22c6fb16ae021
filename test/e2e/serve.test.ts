/**
 * A newcomer's first run: `ra-watch serve` (what `npm start` runs) with no tenant configured says so plainly,
 * watches the simulator's demo tenants, and alerts appear; SIGTERM then stops it cleanly with exit code 0.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

jest.setTimeout(180_000);

const root = join(__dirname, '..', '..');
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('ra-watch serve with no tenant configured', () => {
  it('watches the demo tenants, raises their alerts, and stops on SIGTERM with exit code 0', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'ra-watch-serve-'));
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      DATABASE_URL: `sqlite:${join(directory, 'serve.db')}`,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
    };
    const child = spawn(
      process.execPath,
      ['-r', join(root, 'test/support/ts-register.js'), join(root, 'src/cli/main.ts'), 'serve'],
      { cwd: directory, env },
    );
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      let url: string | null = null;
      for (let i = 0; i < 900 && url === null; i += 1) {
        url = /listening at (http:\/\/[^;\s]+)/.exec(stderr)?.[1] ?? null;
        await sleep(100);
      }
      expect(stderr).toMatch(/no tenant is configured/);
      expect(url).not.toBeNull();

      // The demo tenants are played once; their alerts show up in the API (loopback needs no token).
      const expected = [
        'ra.non-atomic-swap',
        'ra.license-on-user',
        'ra.standard-on-ra',
        'ra.allocation-exceeded',
      ];
      let alerts: Array<{ ruleId: string }> = [];
      for (let i = 0; i < 600 && !expected.every((rule) => alerts.some((a) => a.ruleId === rule)); i += 1) {
        const res = await fetch(`${url}/api/alerts`);
        alerts = ((await res.json()) as { alerts: Array<{ ruleId: string }> }).alerts;
        await sleep(200);
      }
      expect(alerts.map((a) => a.ruleId)).toEqual(expect.arrayContaining(expected));
      // The log sink always writes alerts, so an install without Slack or SMTP still shows them.
      expect(stdout).toMatch(/ra\.non-atomic-swap/);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stdout).toMatch(/ra-watch stopped/);
    } finally {
      child.kill('SIGKILL');
      await rm(directory, { recursive: true, force: true });
    }
  });
});
