/**
 * `ra-watch channels` and `ra-watch routes` (issue 19 item 4) against a real SQLite store: in-process through runCli,
 * and once as a child process reading the webhook URL from stdin (`--url -`), so it never sits on the command line.
 * Nothing printed holds the URL; the table names the tenant; a route to an unknown channel is a usage error.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main';
import { captureOutput } from '../support/captured-output';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { TENANT_A } from '../graph/simulator/small-tenant';

jest.setTimeout(120_000);

const ROOT = join(__dirname, '..', '..');
const SLACK_URL = 'https://hooks.slack.com/services/T0RAWATCH/B0ALERTS/s3cr3tWebhookToken';
const ENV = {
  LOG_LEVEL: 'silent',
  CHANNEL_SECRETS_KEY: randomBytes(32).toString('base64'),
  AZURE_TENANT_ID: TENANT_A,
  GRAPH_ACCESS_TOKEN: 'a-static-token-no-graph-call-is-made',
};

/** The CLI as a child (the TypeScript sources through the test's require hook), with `stdin` written to it. */
function runChild(args: string[], env: Record<string, string>, stdin: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['-r', join(ROOT, 'test/support/ts-register.js'), join(ROOT, 'src/cli/main.ts'), ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('ra-watch channels and routes', () => {
  let db: TestDatabase;
  const saved = new Map<string, string | undefined>();

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    const env: Record<string, string> = { ...ENV, DATABASE_URL: db.url };
    for (const [name, value] of Object.entries(env)) {
      saved.set(name, process.env[name]);
      process.env[name] = value;
    }
  });
  afterAll(async () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await db.drop();
  });

  it('adds a Slack channel with its URL read from stdin, and prints only its host', async () => {
    const result = await runChild(
      ['channels', 'add', 'contoso-noc', '--kind', 'slack', '--url', '-'],
      { ...ENV, DATABASE_URL: db.url },
      `${SLACK_URL}\n`,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Added channel contoso-noc (slack, hooks.slack.com).');
    expect(result.stdout + result.stderr).not.toContain('s3cr3t');
  });

  it('lists channels without their URLs, in a table and as JSON', async () => {
    const table = captureOutput();
    expect(await runCli(['channels', 'list'], table)).toBe(0);
    expect(table.lines[0]).toMatch(/^NAME\s+KIND\s+TARGET/);
    expect(table.lines[1]).toMatch(/^contoso-noc\s+slack\s+hooks\.slack\.com\s+no\s+yes/);
    const json = captureOutput();
    expect(await runCli(['channels', 'list', '--json'], json)).toBe(0);
    expect(JSON.stringify(json.documents)).not.toContain('s3cr3t');
    expect(json.documents[0]).toEqual({
      channels: [expect.objectContaining({ name: 'contoso-noc', target: 'hooks.slack.com', usedBy: [] })],
    });
  });

  it('refuses a URL on a channel kind that has none, naming the flag', async () => {
    const out = captureOutput();
    expect(await runCli(['channels', 'add', 'ops', '--kind', 'email', '--url', SLACK_URL], out)).toBe(2);
    expect(out.errors.join('\n')).toMatch(/url: is not used by an email channel/);
    expect(out.errors.join('\n')).not.toContain('s3cr3t');
  });

  it('without CHANNEL_SECRETS_KEY refuses a channel with a URL, saying what to set', async () => {
    const key = process.env.CHANNEL_SECRETS_KEY;
    delete process.env.CHANNEL_SECRETS_KEY;
    try {
      const out = captureOutput();
      expect(await runCli(['channels', 'add', 'other', '--kind', 'teams', '--url', SLACK_URL], out)).toBe(2);
      expect(out.errors.join('\n')).toMatch(/need CHANNEL_SECRETS_KEY.*openssl rand -base64 32/);
    } finally {
      process.env.CHANNEL_SECRETS_KEY = key;
    }
  });

  it('routes the watched tenant to the channel, lists the route, and removes it', async () => {
    const unknown = captureOutput();
    expect(await runCli(['routes', 'add', '--channel', 'nope', '--tenant', TENANT_A], unknown)).toBe(2);
    expect(unknown.errors.join('\n')).toMatch(/"nope" is not a channel/);

    const added = captureOutput();
    expect(
      await runCli(
        [
          'routes',
          'add',
          '--channel',
          'contoso-noc',
          '--tenant',
          TENANT_A,
          '--severity',
          'critical',
          '--json',
        ],
        added,
      ),
    ).toBe(0);
    const { route } = added.documents[0] as { route: { id: string; severities: string[] } };
    expect(route.severities).toEqual(['critical']);

    const list = captureOutput();
    expect(await runCli(['routes', 'list'], list)).toBe(0);
    expect(list.lines.join('\n')).toMatch(
      new RegExp(`${route.id}\\s+${TENANT_A}\\s+critical\\s+contoso-noc\\s+no`),
    );
    expect(list.lines.join('\n')).toMatch(/Alerts no route matches go to the default route \(log\)/);

    const inUse = captureOutput();
    expect(await runCli(['channels', 'remove', 'contoso-noc', '--yes'], inUse)).toBe(2);
    expect(inUse.errors.join('\n')).toContain(route.id);

    expect(await runCli(['routes', 'remove', route.id, '--yes'], captureOutput())).toBe(0);
    expect(await runCli(['channels', 'remove', 'contoso-noc', '--yes'], captureOutput())).toBe(0);
    const empty = captureOutput();
    expect(await runCli(['channels', 'list'], empty)).toBe(0);
    expect(empty.lines.join('\n')).toMatch(/^No channels/);
  });
});
