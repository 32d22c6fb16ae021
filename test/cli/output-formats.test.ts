/**
 * CLI conventions (issue 20 item 5), in-process through runCli on a real SQLite store and the Graph simulator over
 * HTTP: `-o table|json|csv` on each reporting command (table with a header row, CSV with its header, JSON the same
 * document as `--json`), refused formats name the flag, `audit --fail-on` exits 1 on such findings, resource
 * accounts by UPN shown with UPN and display name, `subscriptions delete` refusing to run unasked off a terminal.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main';
import { createStore } from '../../src/store/sql-store';
import type { Store } from '../../src/store/store';
import { startGraphSimulator, type GraphSimulator } from '../../src/graph/simulator/graph-simulator';
import { scenarioById } from '../../src/graph/simulator/scenarios';
import { silentLogger } from '../../src/logger';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { captureOutput, type CapturedOutput } from '../support/captured-output';

jest.setTimeout(180_000);

const ENV_NAMES = ['DATABASE_URL', 'GRAPH_BASE_URL', 'GRAPH_ACCESS_TOKEN', 'AZURE_TENANT_ID', 'LOG_LEVEL'];
const scenario = scenarioById('non-atomic-swap-remove-first')!;
const tenantId = scenario.seed.tenantId.toLowerCase();
const account = scenario.seed.users[0]!;

async function cli(...args: string[]): Promise<{ code: number; out: CapturedOutput }> {
  const out = captureOutput();
  return { code: await runCli(args, out), out };
}

async function seedAlert(store: Store): Promise<void> {
  await store.recordObservation(
    {
      scope: { tenantId, userId: account.id, ruleIds: ['ra.unlicensed'] },
      findings: [
        {
          ruleId: 'ra.unlicensed',
          severity: 'critical',
          subject: {
            kind: 'user',
            tenantId,
            userId: account.id,
            displayName: 'Support Queue',
            userPrincipalName: account.userPrincipalName,
          },
          title: 'Support Queue has no Teams Phone Resource Account license',
          evidence: {},
          whyItMatters: 'The call queue may stop working.',
          remediation: ['Assign the Teams Phone Resource Account license.'],
          dedupeKey: `ra.unlicensed:${tenantId}:${account.id}`,
        },
      ],
      at: new Date().toISOString(),
    },
    () => ['log'],
  );
}

describe('CLI output formats and conventions', () => {
  let db: TestDatabase;
  let store: Store;
  let simulator: GraphSimulator;
  const saved = new Map<string, string | undefined>();

  beforeEach(async () => {
    db = await createTestDatabase('sqlite');
    store = createStore(db.database);
    simulator = await startGraphSimulator({ logger: silentLogger(), seeds: [scenario.seed] });
    for (const name of ENV_NAMES) saved.set(name, process.env[name]);
    process.env.DATABASE_URL = db.url;
    process.env.LOG_LEVEL = 'silent';
    process.env.GRAPH_BASE_URL = simulator.url;
    process.env.GRAPH_ACCESS_TOKEN = simulator.tokenFor(tenantId);
    process.env.AZURE_TENANT_ID = tenantId;
  });
  afterEach(async () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await simulator.stop();
    await db.drop();
  });

  it.each([
    [['alerts', 'list'], 'alerts', ['ID', 'STATE', 'SEVERITY', 'RULE', 'TENANT', 'ACCOUNT']],
    [['dead-letters', 'list'], 'deadLetters', ['ID', 'DEAD-LETTERED', 'WORK']],
    [['subscriptions', 'list'], 'subscriptions', ['ID', 'RESOURCE', 'STATUS', 'EXPIRES']],
    [['resource-accounts', 'list'], 'registry', ['UPN', 'DISPLAY NAME', 'RESOURCE ACCOUNT', 'SOURCE']],
    [['alerts', 'test-sinks'], 'results', ['CHANNEL', 'RESULT', 'ERROR']],
  ])(
    '%j: -o json is --json, -o csv has a header row, -o table has headers',
    async (command, key, headers) => {
      await seedAlert(store);
      await store.registry.put({
        tenantId,
        userId: account.id,
        isResourceAccount: true,
        application: 'call-queue',
        note: null,
        updatedAt: new Date().toISOString(),
        updatedBy: 'test',
      });
      const json = await cli(...command, '-o', 'json');
      const legacy = await cli(...command, '--json');
      expect(json.code).toBe(0);
      expect(json.out.documents[0]).toHaveProperty(key);
      expect(json.out.documents).toEqual(legacy.out.documents);

      const csv = await cli(...command, '--output', 'csv');
      expect(csv.code).toBe(0);
      // The header row starts with the table's columns, in lower case (more may follow).
      expect(
        csv.out
          .stdout()
          .split('\n')[0]!
          .startsWith(headers.map((h) => h.toLowerCase()).join(',')),
      ).toBe(true);

      const table = await cli(...command);
      expect(table.code).toBe(0);
      const first = table.out.lines[0]!;
      if (!first.startsWith('No ')) for (const header of headers) expect(first).toContain(header);
    },
  );

  it('a table lists each alert under its headers; csv quotes nothing it need not and keeps the account', async () => {
    await seedAlert(store);
    const table = await cli('alerts', 'list', '-o', 'table');
    expect(table.out.lines[0]).toMatch(
      /^ID\s+STATE\s+SEVERITY\s+RULE\s+TENANT\s+ACCOUNT\s+FIRST SEEN\s+TITLE$/,
    );
    expect(table.out.lines[1]).toMatch(
      new RegExp(
        `^\\S+\\s+open\\s+critical\\s+ra\\.unlicensed\\s+\\S*${tenantId}\\S*\\s+${account.userPrincipalName.replace('.', '\\.')}\\s`,
      ),
    );
    const csv = await cli('alerts', 'list', '-o', 'csv');
    expect(csv.out.stdout().split(/\r?\n/)[0]).toBe('id,state,severity,rule,tenant,account,first seen,title');
    expect(csv.out.stdout()).toContain(
      `,open,critical,ra.unlicensed,${tenantId},${account.userPrincipalName},`,
    );
  });

  it('refuses an unknown format and two that disagree, naming the flags (exit 2)', async () => {
    const unknown = await cli('alerts', 'list', '-o', 'yaml');
    expect(unknown.code).toBe(2);
    expect(unknown.out.errors.join('\n')).toMatch(/-o\/--output takes table, json, csv here, got "yaml"/);
    const both = await cli('audit', '--json', '-o', 'csv');
    expect(both.code).toBe(2);
    expect(both.out.errors.join('\n')).toMatch(/-o csv and --json disagree/);
    const ack = await cli('alerts', 'ack', 'x', '--by', 'adele', '-o', 'csv');
    expect(ack.code).toBe(2);
    expect(ack.out.errors.join('\n')).toMatch(/takes table, json here/);
  });

  it('audit --fail-on exits 1 when findings of that severity exist, 0 without the flag, 2 for a bad value', async () => {
    // The remove-first tenant: the call queue holds only Teams Phone Standard (critical unlicensed, warning standard).
    expect((await cli('audit', '-o', 'json')).code).toBe(0);
    const critical = await cli('audit', '--fail-on', 'critical', '-o', 'csv');
    expect(critical.code).toBe(1);
    expect(critical.out.errors.join('\n')).toMatch(/1 finding\(s\) of severity critical or worse/);
    expect(critical.out.stdout()).toContain('ra.unlicensed');
    expect((await cli('audit', '--fail-on', 'warning')).code).toBe(1);
    expect((await cli('audit', '--fail-on', 'info')).code).toBe(2);
  });

  it('resource-accounts add takes a UPN (found through Graph), list shows the UPN and display name (from Graph too)', async () => {
    const added = await cli(
      'resource-accounts',
      'add',
      account.userPrincipalName,
      '--application',
      'call-queue',
    );
    expect(added.code).toBe(0);
    expect(await store.registry.get(tenantId, account.id.toLowerCase())).toMatchObject({
      isResourceAccount: true,
    });
    const list = await cli('resource-accounts', 'list');
    const row = list.out.lines.find((l) => l.includes(account.userPrincipalName));
    expect(row).toMatch(
      /ra_cq_support@removefirst\.onmicrosoft\.com\s+Support Queue\s+yes\s+registry\s+call-queue/,
    );
    expect((await cli('resource-accounts', 'remove', account.userPrincipalName)).code).toBe(0);
    expect(await store.registry.get(tenantId, account.id.toLowerCase())).toBeNull();
    const unknown = await cli('resource-accounts', 'add', 'nobody@removefirst.onmicrosoft.com');
    expect(unknown.code).toBe(2);
    expect(unknown.out.errors.join('\n')).toMatch(/no account nobody@removefirst\.onmicrosoft\.com/);
  });

  it('subscriptions delete off a terminal needs --yes and deletes nothing without it', async () => {
    await store.subscriptions.upsert({
      id: 'sub-1',
      tenantId,
      resource: 'users',
      changeType: 'updated',
      notificationUrl: 'https://ra-watch.contoso.com/notifications',
      lifecycleNotificationUrl: null,
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      clientStateRef: 'primary',
      createdAt: new Date().toISOString(),
      lastRenewedAt: null,
      lastNotificationAt: null,
      status: 'active',
    });
    const refused = await cli('subscriptions', 'delete', 'sub-1');
    expect(refused.code).toBe(2);
    expect(refused.out.errors.join('\n')).toMatch(/stdin is not a terminal to ask: add --yes/);
    expect(await store.subscriptions.get('sub-1')).not.toBeNull();
  });

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      version: string;
    };
    const { code, out } = await cli('--version');
    expect(code).toBe(0);
    expect(out.lines).toEqual([pkg.version]);
  });
});
