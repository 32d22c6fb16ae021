/**
 * A newcomer's first session, as real processes: `ra-watch serve` with no configuration at all (the demo tenants on
 * the built-in Graph simulator) writes alerts, then the CLI with the same (empty) configuration in the same
 * directory reads them: `alerts list` shows what serve logged, and `replay`/`timeline` work once serve (and with it
 * the simulator) is gone, with no Graph credential and Graph unreachable, on the SKU catalog stored with the events.
 * The one-shot commands print no JSON log lines on stderr. An empty directory's `alerts list` says where it looked.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

// serve plays the demo tenants' scenarios; each child transpiles the CLI: minutes on a busy machine.
jest.setTimeout(420_000);

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const REGISTER = join(ROOT, 'test/support/ts-register.js');
const MAIN = join(ROOT, 'src/cli/main.ts');
/** No credential, no DATABASE_URL: the defaults. Graph's address is one nothing listens on. */
const ENV = { PATH: process.env.PATH, GRAPH_BASE_URL: 'http://127.0.0.1:9' };

async function cli(cwd: string, ...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, ['-r', REGISTER, MAIN, ...args], {
    cwd,
    env: ENV,
    maxBuffer: 64 * 1024 * 1024,
  });
}

function jsonLines(text: string): unknown[] {
  return text
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line) as unknown);
}

describe('serve with defaults, then the CLI with defaults', () => {
  let directory: string;
  let empty: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'ra-watch-first-run-'));
    empty = await mkdtemp(join(tmpdir(), 'ra-watch-empty-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
    await rm(empty, { recursive: true, force: true });
  });

  it('reads the alerts serve raised, and replays and shows a timeline offline', async () => {
    const child = spawn(process.execPath, ['-r', REGISTER, MAIN, 'serve'], {
      cwd: directory,
      env: { ...ENV, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

    // Piped, serve's log is JSON lines (LOG_FORMAT unset, stdout not a terminal): wait for an alert raised by a
    // scenario the demo played (after the baseline), so the event log holds the change that raised it.
    const loggedAlertIds = await new Promise<string[]>((resolve, reject) => {
      const look = (): void => {
        const lines = jsonLines(stdout) as Array<{ msg?: string; event?: string; alertId?: string }>;
        const played = lines.findIndex((l) => l.msg?.startsWith('demo tenant: playing') === true);
        const opened = lines.slice(played + 1).filter((l) => l.event === 'alert.opened');
        if (played >= 0 && opened.length >= 2) return resolve(opened.map((l) => l.alertId!));
        if (child.exitCode !== null) return reject(new Error(`serve exited: ${stderr}`));
        setTimeout(look, 250);
      };
      look();
    });
    expect(stderr).toContain('ra-watch-demo.db');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);

    const list = await cli(directory, 'alerts', 'list', '--json');
    const { alerts } = JSON.parse(list.stdout) as {
      alerts: Array<{ id: string; finding: { subject: { userPrincipalName?: string } } }>;
    };
    expect(alerts.map((a) => a.id)).toEqual(expect.arrayContaining(loggedAlertIds));

    const table = await cli(directory, 'alerts', 'list');
    const [header, ...rows] = table.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID\s+STATE\s+SEVERITY\s+RULE\s+TENANT\s+ACCOUNT\s+FIRST SEEN\s+TITLE$/);
    expect(rows.length).toBe(alerts.length);
    // No warnings at all on a one-shot command (LOG_LEVEL=warn would show them), JSON or other.
    expect(table.stderr).toBe('');

    // Replay: serve and its simulator are gone, there is no credential, GRAPH_BASE_URL refuses connections.
    const replayed = await cli(directory, 'replay', '--from', '1h', '-o', 'json');
    const summary = jsonLines(replayed.stdout).at(-1) as { kind: string; covered: number; replayed: number };
    expect(summary).toMatchObject({ kind: 'summary' });
    expect(summary.covered).toBeGreaterThan(0);
    expect(summary.replayed).toBe(summary.covered);
    expect(replayed.stderr).not.toMatch(/No Graph credential|subscribedSkus|no SKU catalog is stored/);
    expect(replayed.stderr).not.toMatch(/^\{/m);

    const upn = alerts.map((a) => a.finding.subject.userPrincipalName).find((u) => u !== undefined)!;
    const shown = await cli(directory, 'timeline', upn);
    const lines = shown.stdout.trimEnd().split('\n');
    expect(lines[0]).toContain(upn);
    expect(lines[1]).toMatch(/^TIME\s+WHAT\s+DETAIL$/);
    expect(shown.stdout).toMatch(/alert raised \((critical|warning|info)\)/);
    expect(shown.stdout).not.toMatch(/^\s*\{/m);
  });

  it('says where it looked when it finds nothing', async () => {
    const { stdout } = await cli(empty, 'alerts', 'list');
    expect(stdout.trim()).toBe(
      "No alerts in the SQLite file ./data/ra-watch-demo.db (the demo tenants' store: no Graph credential is configured; DATABASE_URL chooses another).",
    );
  });
});
