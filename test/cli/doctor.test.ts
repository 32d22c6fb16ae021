/**
 * `ra-watch doctor` as an admin runs it: a real process (the CLI from src/, as serve.test.ts starts it) against the
 * Graph simulator over HTTP, a SQLite store, a local webhook receiver as the alert channel, and PUBLIC_BASE_URL on a
 * free loopback port that the doctor answers the validation handshake on. With AuditLog.Read.All not granted it names
 * the permission, gives the admin-consent link and exits 1; with every permission granted it exits 0.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGraphSimulator, type GraphSimulator } from '../../src/graph/simulator/graph-simulator';
import { scenarioById } from '../../src/graph/simulator/scenarios';
import type { DoctorReport } from '../../src/doctor/doctor-check';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

jest.setTimeout(240_000);

const root = join(__dirname, '..', '..');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runDoctor(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Run> {
  const child = spawn(
    process.execPath,
    ['-r', join(root, 'test/support/ts-register.js'), join(root, 'src/cli/main.ts'), 'doctor', ...args],
    { cwd, env },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('ra-watch doctor', () => {
  let sim: GraphSimulator;
  let receiver: WebhookReceiver;
  let directory: string;
  let env: NodeJS.ProcessEnv;
  let tenantId: string;

  beforeAll(async () => {
    sim = await startGraphSimulator();
    tenantId = sim.seed(scenarioById('atomic-swap')!);
    receiver = await startWebhookReceiver();
    directory = await mkdtemp(join(tmpdir(), 'ra-watch-doctor-'));
    const port = await freePort();
    env = {
      PATH: process.env.PATH,
      DATABASE_URL: `sqlite:${join(directory, 'doctor.db')}`,
      GRAPH_BASE_URL: sim.url,
      GRAPH_ACCESS_TOKEN: sim.tokenFor(tenantId),
      AZURE_TENANT_ID: tenantId,
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      ALERT_WEBHOOK_URL: receiver.url,
      LOG_LEVEL: 'info',
    };
  });
  afterAll(async () => {
    await sim.stop();
    await receiver.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('names a permission Graph refuses, with the admin-consent link, and exits 1', async () => {
    sim.denyPermissions(['AuditLog.Read.All']);
    const human = await runDoctor([], env, directory);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(
      /^✖ Graph directory audits \(AuditLog\.Read\.All\), tenant .*403 Authorization_RequestDenied/m,
    );
    expect(human.stdout).toContain(
      `grant admin consent: https://login.microsoftonline.com/${tenantId}/adminconsent?client_id=`,
    );
    expect(human.stdout).toMatch(/^1 problem found/m);

    const json = await runDoctor(['--json'], env, directory);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as DoctorReport;
    expect(report.ok).toBe(false);
    const failed = report.checks.filter((c) => c.status === 'fail');
    expect(failed).toEqual([
      expect.objectContaining({
        check: 'graph-permission',
        permission: 'AuditLog.Read.All',
        tenantId,
        consentUrl: expect.stringMatching(
          new RegExp(`^https://login\\.microsoftonline\\.com/${tenantId}/adminconsent\\?client_id=`),
        ) as unknown,
      }),
    ]);
    // The other permissions were tried for real and granted.
    const granted = report.checks.filter((c) => c.check === 'graph-permission' && c.status === 'ok');
    expect(granted.map((c) => c.permission ?? 'none').sort()).toEqual(
      [
        'Group.Read.All',
        'Organization.Read.All',
        'TeamsUserConfiguration.Read.All',
        'User.Read.All',
        'none',
      ].sort(),
    );
  });

  it('exits 0 when everything answers, having sent the alert channel a test message', async () => {
    sim.denyPermissions([]);
    const before = receiver.requests.length;
    const run = await runDoctor(['--json'], env, directory);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as DoctorReport;
    expect(report).toMatchObject({ ok: true, problems: 0 });
    const byCheck = new Map(
      report.checks.map((c) => [`${c.check}:${c.permission ?? c.sink ?? ''}`, c.status]),
    );
    expect(byCheck.get('config:')).toBe('ok');
    expect(byCheck.get('store:')).toBe('ok');
    expect(byCheck.get('queue:')).toBe('ok');
    expect(byCheck.get('graph-token:')).toBe('ok');
    expect(byCheck.get('clock:')).toBe('ok');
    // The handshake went through PUBLIC_BASE_URL; http only, so a warning (Graph wants https).
    expect(byCheck.get('public-url:')).toBe('warn');
    expect(byCheck.get('alert-channel:webhook')).toBe('ok');
    expect(receiver.requests.length).toBe(before + 1);
    // Graph saw the handshake's sibling calls, not a write: a preflight changes nothing in the tenant.
    expect(sim.requests().every((r) => r.method === 'GET')).toBe(true);
  });
});
