/**
 * The CLI's one-shot commands, run in-process through runCli against a real store (SQLite file) and, for the audit,
 * the Graph simulator over HTTP. The environment is what a user sets; each test sets it and puts it back.
 */
import { runCli } from '../../src/cli/main';
import { createStore } from '../../src/store/sql-store';
import { createEmbeddedQueue } from '../../src/queue/embedded/adapter';
import { startGraphSimulator, type GraphSimulator } from '../../src/graph/simulator/graph-simulator';
import { scenarioById } from '../../src/graph/simulator/scenarios';
import { silentLogger } from '../../src/logger';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { captureOutput } from '../support/captured-output';

jest.setTimeout(120_000);

const ENV_NAMES = [
  'DATABASE_URL',
  'GRAPH_BASE_URL',
  'GRAPH_ACCESS_TOKEN',
  'AZURE_TENANT_ID',
  'PUBLIC_BASE_URL',
  'LOG_LEVEL',
];

describe('one-shot CLI commands', () => {
  let db: TestDatabase;
  const saved = new Map<string, string | undefined>();

  beforeEach(async () => {
    db = await createTestDatabase('sqlite');
    for (const name of ENV_NAMES) saved.set(name, process.env[name]);
    for (const name of ENV_NAMES) delete process.env[name];
    process.env.DATABASE_URL = db.url;
    process.env.LOG_LEVEL = 'silent';
  });
  afterEach(async () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await db.drop();
  });

  it('lists dead letters with their reason and puts one back on the queue', async () => {
    const queue = createEmbeddedQueue(db.database, { maxDeliveries: 3 });
    await queue.send([
      { messageId: 'poison-1', orderingKey: 't/u', body: { kind: 'user-changed', nonsense: true } as never },
    ]);
    const [leased] = await queue.receive({ maxMessages: 1, leaseMs: 10_000 });
    await queue.deadLetter(leased!, 'invalid work item', 'userId: Required');

    const list = captureOutput();
    expect(await runCli(['dead-letters', 'list', '--json'], list)).toBe(0);
    const { deadLetters } = list.documents[0] as {
      deadLetters: Array<{ id: string; reason: string; description: string }>;
    };
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]).toMatchObject({ reason: 'invalid work item', description: 'userId: Required' });

    expect(await runCli(['dead-letters', 'retry', deadLetters[0]!.id], captureOutput())).toBe(0);
    expect(await queue.stats()).toMatchObject({ ready: 1, deadLettered: 0 });

    const unknown = captureOutput();
    expect(await runCli(['dead-letters', 'retry', 'no-such-id'], unknown)).toBe(2);
    expect(unknown.errors.join('\n')).toMatch(/no dead letter no-such-id/);
    await queue.close();
  });

  it('lists alerts and acknowledges one, refusing an unknown id with exit code 2', async () => {
    const store = createStore(db.database);
    const finding = {
      ruleId: 'ra.unlicensed' as const,
      severity: 'critical' as const,
      subject: {
        kind: 'user' as const,
        tenantId: 't1',
        userId: 'u1',
        displayName: 'Sales Queue',
        userPrincipalName: 'ra_sales@contoso.com',
      },
      title: 'Sales Queue has no Teams Phone Resource Account license',
      evidence: {},
      whyItMatters: 'The call queue may stop working.',
      remediation: ['Assign the Teams Phone Resource Account license.'],
      dedupeKey: 'ra.unlicensed:t1:u1',
    };
    const at = new Date().toISOString();
    await store.recordObservation(
      { scope: { tenantId: 't1', userId: 'u1', ruleIds: ['ra.unlicensed'] }, findings: [finding], at },
      () => ['log'],
    );

    const list = captureOutput();
    expect(await runCli(['alerts', 'list', '--state', 'open', '--json'], list)).toBe(0);
    const { alerts } = list.documents[0] as { alerts: Array<{ id: string; ruleId: string }> };
    expect(alerts.map((a) => a.ruleId)).toEqual(['ra.unlicensed']);

    const ack = captureOutput();
    expect(
      await runCli(
        ['alerts', 'ack', alerts[0]!.id, '--by', 'adele', '--reason', 'license ordered', '--json'],
        ack,
      ),
    ).toBe(0);
    expect(ack.documents[0]).toMatchObject({ acknowledgedBy: 'adele', acknowledgeReason: 'license ordered' });

    expect(await runCli(['alerts', 'ack', 'nope', '--by', 'adele'], captureOutput())).toBe(2);
    expect(await runCli(['alerts', 'list', '--state', 'closed'], captureOutput())).toBe(2);
  });

  describe('against the Graph simulator', () => {
    let simulator: GraphSimulator;
    const scenario = scenarioById('non-atomic-swap-remove-first')!;
    const tenantId = scenario.seed.tenantId.toLowerCase();

    beforeEach(async () => {
      simulator = await startGraphSimulator({ logger: silentLogger(), seeds: [scenario.seed] });
      process.env.GRAPH_BASE_URL = simulator.url;
      process.env.GRAPH_ACCESS_TOKEN = simulator.tokenFor(tenantId);
      process.env.AZURE_TENANT_ID = tenantId;
    });
    afterEach(() => simulator.stop());

    it('audits the tenant: a resource account holding only Teams Phone Standard is unlicensed and wrongly licensed', async () => {
      const out = captureOutput();
      expect(await runCli(['audit', '--json'], out)).toBe(0);
      const report = out.documents[0] as { resourceAccounts: unknown[]; findings: Array<{ ruleId: string }> };
      expect(report.resourceAccounts).toHaveLength(1);
      expect(report.findings.map((f) => f.ruleId).sort()).toEqual(['ra.standard-on-ra', 'ra.unlicensed']);
    });

    it('reads the allocation from the tenant once the audit has identified its resource accounts', async () => {
      expect(await runCli(['audit', '--record', '--csv'], captureOutput())).toBe(0);
      const out = captureOutput();
      expect(await runCli(['allocation', '--json'], out)).toBe(0);
      // The remove-first scenario's tenant: 20 Teams Phone Standard seats → 25 + 2 free; one resource account.
      expect(out.documents[0]).toMatchObject({
        qualifyingLicenses: 20,
        freeAllocation: 27,
        needed: 1,
        toBuy: 0,
      });
    });

    it('keeps the registry: add, list, exclude, remove, and refuses a user that is not an object id', async () => {
      const userId = '0b0b0b0b-1111-4222-8333-944444444444';
      expect(
        await runCli(
          ['resource-accounts', 'add', userId, '--application', 'call-queue', '--note', 'lost every license'],
          captureOutput(),
        ),
      ).toBe(0);
      const list = captureOutput();
      expect(await runCli(['resource-accounts', 'list', '--json'], list)).toBe(0);
      expect((list.documents[0] as { registry: unknown[] }).registry).toEqual([
        expect.objectContaining({
          userId,
          isResourceAccount: true,
          application: 'call-queue',
          note: 'lost every license',
        }),
      ]);
      expect(await runCli(['resource-accounts', 'add', userId, '--not'], captureOutput())).toBe(0);
      const excluded = captureOutput();
      await runCli(['resource-accounts', 'list', '--json'], excluded);
      expect((excluded.documents[0] as { registry: unknown[] }).registry).toEqual([
        expect.objectContaining({ userId, isResourceAccount: false }),
      ]);
      expect(await runCli(['resource-accounts', 'remove', userId], captureOutput())).toBe(0);
      expect(await runCli(['resource-accounts', 'remove', userId], captureOutput())).toBe(2);
      expect(await runCli(['resource-accounts', 'add', 'ra_sales@contoso.com'], captureOutput())).toBe(2);
    });

    it('explains that a subscription needs PUBLIC_BASE_URL instead of failing obscurely', async () => {
      const out = captureOutput();
      expect(await runCli(['subscriptions', 'create', '--resource', 'users'], out)).toBe(1);
      expect(out.errors.join('\n')).toMatch(/PUBLIC_BASE_URL/);
      expect(await runCli(['subscriptions', 'create', '--resource', 'mailboxes'], captureOutput())).toBe(2);
    });
  });

  it('replays an empty range with a notice, and refuses an inverted one with exit code 2', async () => {
    const out = captureOutput();
    expect(
      await runCli(['replay', '--from', '1d', '--tenant', '5f1c9a3e-7d2b-4c8e-9a61-3b0d4e2f8c17'], out),
    ).toBe(0);
    expect(out.stdout()).toMatch(/No events were received/);
    const bad = captureOutput();
    expect(
      await runCli(
        ['replay', '--from', '1d', '--to', '2d', '--tenant', '5f1c9a3e-7d2b-4c8e-9a61-3b0d4e2f8c17'],
        bad,
      ),
    ).toBe(2);
    expect(bad.errors.join('\n')).toMatch(/--from|from/);
  });
});
