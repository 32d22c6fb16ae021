/**
 * A real tenant watched without CLIENT_STATE (issue 18 item 2), against the Graph simulator over HTTP: ra-watch
 * generates a clientState on first start and keeps it in the store (logged as generated, never its value); a forged
 * notification without it is dropped, nothing is enqueued; a subscription the CLI creates (a one-shot command on the
 * same store) carries the same secret, so Graph's own notifications pass the serving process's check; a restart
 * reads the stored secret again. Before this, every notification was accepted and queued.
 */
import { Writable } from 'node:stream';
import { startApp, type App } from '../../src/app';
import { runCli } from '../../src/cli/main';
import { loadConfig } from '../../src/config';
import { startGraphSimulator, type GraphSimulator } from '../../src/graph/simulator/graph-simulator';
import { scenarioById } from '../../src/graph/simulator/scenarios';
import { GENERATED_CLIENT_STATE } from '../../src/ingest/client-state-secret';
import { createLogger, silentLogger } from '../../src/logger';
import { captureOutput } from '../support/captured-output';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { userNotification } from './graph-samples';

jest.setTimeout(120_000);

const ENV_NAMES = [
  'DATABASE_URL',
  'GRAPH_BASE_URL',
  'GRAPH_ACCESS_TOKEN',
  'AZURE_TENANT_ID',
  'PUBLIC_BASE_URL',
  'LOG_LEVEL',
  'CLIENT_STATE',
];

describe('a real tenant without CLIENT_STATE', () => {
  const scenario = scenarioById('non-atomic-swap-remove-first')!;
  const tenantId = scenario.seed.tenantId.toLowerCase();
  const saved = new Map<string, string | undefined>();
  let db: TestDatabase;
  let simulator: GraphSimulator;
  let logText = '';
  const logger = createLogger({
    level: 'info',
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        logText += chunk.toString();
        done();
      },
    }),
  });

  beforeAll(async () => {
    for (const name of ENV_NAMES) saved.set(name, process.env[name]);
    db = await createTestDatabase('sqlite');
    simulator = await startGraphSimulator({ logger: silentLogger(), seeds: [scenario.seed] });
  });
  afterAll(async () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await simulator.stop();
    await db.drop();
  });

  const env = (): Record<string, string> => ({
    DATABASE_URL: db.url,
    PORT: '0',
    HOST: '127.0.0.1',
    GRAPH_BASE_URL: simulator.url,
    GRAPH_ACCESS_TOKEN: simulator.tokenFor(tenantId),
    AZURE_TENANT_ID: tenantId,
  });
  const start = (port = '0'): Promise<App> =>
    startApp({
      config: loadConfig({ ...env(), PORT: port }),
      logger,
      background: false,
      publicBaseUrlFallback: 'local-url',
    });

  it('generates and stores one, drops forged notifications, and shares it with the CLI and a restart', async () => {
    const app = await start();
    let stored: string | null = null;
    const port = new URL(app.url!).port;
    try {
      stored = await app.store.settings.get(GENERATED_CLIENT_STATE.tenantId, GENERATED_CLIENT_STATE.key);
      expect(stored).toMatch(/^[0-9a-f]{48}$/);
      expect(logText).toMatch(/"clientStateSource":"generated"/);
      expect(logText).not.toContain(stored!);

      // 1,000 forged notifications were accepted before; now none is queued.
      const userId = scenario.seed.users[0]!.id;
      for (const clientState of [undefined, 'forged-client-state-0123456789']) {
        const res = await fetch(`${app.url!}/notifications`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ value: [userNotification(userId, { clientState, tenantId })] }),
        });
        expect(res.status).toBe(202);
      }
      expect(app.ingest.stats()).toMatchObject({ clientStateMismatches: 2, accepted: 0 });
      expect((await app.queue.stats()).ready).toBe(0);

      // The CLI's one-shot command on the same store subscribes with the same secret.
      for (const [name, value] of Object.entries({
        ...env(),
        PUBLIC_BASE_URL: app.url!,
        LOG_LEVEL: 'silent',
      }))
        process.env[name] = value;
      delete process.env.CLIENT_STATE;
      const out = captureOutput();
      expect(await runCli(['subscriptions', 'create', '--resource', 'users'], out)).toBe(0);
      const subscriptions = simulator.subscriptions(tenantId);
      expect(subscriptions).toHaveLength(1);
      expect(subscriptions[0]!.clientState).toBe(stored);

      // Graph's own notification for that subscription passes the serving process's check.
      simulator.updateUser(tenantId, userId, { jobTitle: 'Reception' });
      await simulator.flushNotifications();
      expect(app.ingest.stats().accepted).toBeGreaterThanOrEqual(1);
      expect(app.ingest.stats().clientStateMismatches).toBe(2);
    } finally {
      await app.stop();
    }

    logText = '';
    // On the same port: Graph keeps delivering to the subscription's URL.
    const restarted = await start(port);
    try {
      expect(logText).toMatch(/"clientStateSource":"stored"/);
      expect(logText).not.toContain(stored!);
      simulator.updateUser(tenantId, scenario.seed.users[0]!.id, { jobTitle: 'Front desk' });
      await simulator.flushNotifications();
      // Received and not dropped (the same user's first message is still queued, so this one is merged into it).
      expect(restarted.ingest.stats()).toMatchObject({ clientStateMismatches: 0 });
      expect(restarted.ingest.stats().received).toBeGreaterThanOrEqual(1);
    } finally {
      await restarted.stop();
    }
  });

  it('uses CLIENT_STATE when it is set, and generates nothing', async () => {
    const other = await createTestDatabase('sqlite');
    const app = await startApp({
      config: loadConfig({ ...env(), DATABASE_URL: other.url, CLIENT_STATE: 'configured-client-state-0123' }),
      logger: silentLogger(),
      background: false,
    });
    try {
      expect(
        await app.store.settings.get(GENERATED_CLIENT_STATE.tenantId, GENERATED_CLIENT_STATE.key),
      ).toBeNull();
    } finally {
      await app.stop();
      await other.drop();
    }
  });
});
