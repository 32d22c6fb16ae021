/**
 * Alert titles and display names come from the tenant, and a terminal obeys the control characters it prints: a
 * display name holding ESC sequences retitled the window and cleared the screen of whoever ran `alerts list`. The
 * real CLI runs as a child process (the TypeScript sources, through the test require hook) on a SQLite store that
 * holds such an alert, and what reaches its stdout must carry no C0 (but tab and newline) or C1 control.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createStore } from '../../src/store/sql-store';
import { createTestDatabase, type TestDatabase } from '../support/databases';

// Each child transpiles the CLI and everything it imports: tens of seconds on a busy machine.
jest.setTimeout(240_000);

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');

// OSC 0 (set the window title, ended by BEL), CSI 2J (clear the screen), an 8-bit CSI (U+009B), NUL, DEL, a tab.
const HOSTILE = 'Sales\u001b]0;pwned\u0007\u001b[2J Queue\u009b31m red\u0000\u007f\tend';
// eslint-disable-next-line no-control-regex -- finding control characters is the test
const CONTROL_BUT_TAB_AND_NEWLINE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;

async function cli(db: TestDatabase, ...args: string[]): Promise<string> {
  const { stdout } = await run(
    process.execPath,
    ['-r', './test/support/ts-register.js', 'src/cli/main.ts', ...args],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH, DATABASE_URL: db.url, LOG_LEVEL: 'silent' },
    },
  );
  return stdout;
}

describe('CLI output carries no terminal control characters from tenant data', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase('sqlite');
    const store = createStore(db.database);
    const finding = {
      ruleId: 'ra.unlicensed' as const,
      severity: 'critical' as const,
      subject: {
        kind: 'user' as const,
        tenantId: 't1',
        userId: 'u1',
        displayName: HOSTILE,
        userPrincipalName: 'ra_sales@contoso.com',
      },
      title: `${HOSTILE} has no Teams Phone Resource Account license`,
      evidence: {},
      whyItMatters: 'The call queue may stop working.',
      remediation: ['Assign the Teams Phone Resource Account license.'],
      dedupeKey: 'ra.unlicensed:t1:u1',
    };
    await store.recordObservation(
      {
        scope: { tenantId: 't1', userId: 'u1', ruleIds: ['ra.unlicensed'] },
        findings: [finding],
        at: new Date().toISOString(),
      },
      () => ['log'],
    );
  });
  afterEach(async () => {
    await db.drop();
  });

  it('human output: the controls are gone, the text and the tab between its words stay', async () => {
    const stdout = await cli(db, 'alerts', 'list');
    expect(stdout).toContain('has no Teams Phone Resource Account license');
    expect(stdout).not.toMatch(CONTROL_BUT_TAB_AND_NEWLINE);
    expect(stdout).toContain('Sales]0;pwned[2J Queue31m red\tend');
    expect(stdout.endsWith('\n')).toBe(true);
  });

  it('JSON output: the same value for scripts, with every control as a \\u escape', async () => {
    const stdout = await cli(db, 'alerts', 'list', '--json');
    expect(stdout).not.toMatch(CONTROL_BUT_TAB_AND_NEWLINE);
    const { alerts } = JSON.parse(stdout) as { alerts: Array<{ finding: { title: string } }> };
    expect(alerts[0]!.finding.title).toBe(`${HOSTILE} has no Teams Phone Resource Account license`);
  });
});
