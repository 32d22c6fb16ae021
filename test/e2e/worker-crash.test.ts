/**
 * A ra-watch process killed with SIGKILL in the middle of its work loses nothing and alerts nothing twice: after a
 * restart, every queued change is processed, each problem has exactly one alert and each alert one outbox entry per
 * sink. Graph answers slowly (the simulator's fault), so the kill lands while batches are in flight.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createStore } from '../../src/store/sql-store';
import { createEmbeddedQueue } from '../../src/queue/embedded/adapter';
import { orderingKeyFor } from '../../src/queue/work-item';
import { startGraphSimulator, type GraphSimulator } from '../../src/graph/simulator/graph-simulator';
import { scenarioById } from '../../src/graph/simulator/scenarios';
import { silentLogger } from '../../src/logger';
import { LAST_AUDIT_KEY } from '../../src/tenant-audit/audit-history';
import { ENGINES, createTestDatabase, type TestDatabase } from '../support/databases';

jest.setTimeout(120_000);

const root = join(__dirname, '..', '..');
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function startProcess(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['-r', join(root, 'test/support/ts-register.js'), join(__dirname, 'fixtures/worker-process.ts')],
    {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(child);
    });
    child.once('exit', (code) =>
      reject(new Error(`the ra-watch process exited (${code}) before it was ready: ${stderr}`)),
    );
  });
}

describe.each(ENGINES)('a ra-watch process killed mid-batch on %s', (engine) => {
  let simulator: GraphSimulator;
  let db: TestDatabase;
  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const child of children) child.kill('SIGKILL');
    await simulator.stop();
    await db.drop();
  });

  it('processes every change after a restart and raises each alert once', async () => {
    const scenario = scenarioById('contoso-allocation')!;
    const tenantId = scenario.seed.tenantId.toLowerCase();
    simulator = await startGraphSimulator({ logger: silentLogger(), seeds: [scenario.seed] });
    db = await createTestDatabase(engine);
    const store = createStore(db.database);
    const queue = createEmbeddedQueue(db.database, { maxDeliveries: 10 });
    // A tenant that already has its baseline: only the queued changes below produce verdicts.
    await store.settings.put(
      tenantId,
      LAST_AUDIT_KEY,
      JSON.stringify({ finishedAt: new Date().toISOString(), dedupeKeys: [] }),
    );

    // Five new resource accounts without a license (critical each) among the 85 licensed ones.
    const newIds = scenario.steps.flatMap((step) =>
      step.kind === 'createUser' ? [simulator.createUser(tenantId, step.user)] : [],
    );
    const allIds = [...scenario.seed.users.map((u) => u.id), ...newIds];
    const receivedAt = new Date().toISOString();
    await queue.send(
      allIds.map((userId) => ({
        messageId: `crash-${userId}`,
        orderingKey: orderingKeyFor(tenantId, userId),
        coalesce: true,
        body: {
          kind: 'user-changed' as const,
          tenantId,
          userId,
          changeType: 'updated' as const,
          subscriptionId: null,
          receivedAt,
          source: 'notification' as const,
        },
      })),
    );
    simulator.faults.slowNext(100, 10_000);

    const env = {
      ...process.env,
      DATABASE_URL: db.url,
      GRAPH_BASE_URL: simulator.url,
      GRAPH_ACCESS_TOKEN: simulator.tokenFor(tenantId),
      AZURE_TENANT_ID: tenantId,
      LOG_LEVEL: 'warn',
    };
    const first = await startProcess(env);
    children.push(first);
    // Kill it once some work is done and some is still in flight.
    for (let i = 0; i < 300; i += 1) {
      const stats = await queue.stats();
      if (stats.ready + stats.inFlight < allIds.length && stats.inFlight > 0) break;
      await sleep(50);
    }
    const before = await queue.stats();
    expect(before.ready + before.inFlight).toBeGreaterThan(0);
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));

    children.push(await startProcess(env));
    for (let i = 0; i < 1200; i += 1) {
      const stats = await queue.stats();
      if (stats.ready + stats.inFlight + stats.scheduled === 0) break;
      await sleep(100);
    }
    await sleep(1_000); // the debounced tenant evaluation
    expect(await queue.stats()).toMatchObject({ ready: 0, inFlight: 0, scheduled: 0, deadLettered: 0 });

    const alerts = await store.alerts.list({ tenantId, limit: 1000 });
    const unlicensed = alerts.filter((a) => a.ruleId === 'ra.unlicensed');
    expect(unlicensed.map((a) => a.userId).sort()).toEqual([...newIds].sort());
    expect(new Set(alerts.map((a) => a.dedupeKey)).size).toBe(alerts.length);
    for (const alert of unlicensed) {
      const entries = await store.outbox.listForAlert(alert.id);
      const opened = entries.filter((e) => e.kind === 'opened');
      expect(new Set(opened.map((e) => e.sink)).size).toBe(opened.length);
    }
    await queue.close();
  });
});
