/**
 * `ra-watch serve` receiving SIGTERM in the middle of a burst of Graph notifications: every notification it
 * answered 202 is still in the queue afterwards (Graph will not send it again, so a 202 is a promise), and the
 * process exits 0 within its drain deadline. Requests after the signal may be refused (503, or the connection);
 * Graph delivers those again, so refusing is allowed and losing is not.
 *
 * Graph answers every read with 503 here, so the worker can settle nothing: a message leaves the queue table only
 * to the dead-letter table, and "still in the queue" is exact rather than "in the queue or already processed".
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGraphSimulator, type GraphSimulator } from '../../src/graph/simulator/graph-simulator';
import { scenarioById } from '../../src/graph/simulator/scenarios';
import { silentLogger } from '../../src/logger';
import { openDatabase } from '../../src/store/database';
import { userNotification } from '../ingest/graph-samples';

jest.setTimeout(120_000);

const root = join(__dirname, '..', '..');
const BURST = 400;
const CONCURRENCY = 16;
const SIGNAL_AFTER_ACCEPTED = 100;
/** The drain deadline the process must keep (closeGracefully's 10 s plus start-up of the stop path). */
const EXIT_DEADLINE_MS = 30_000;

describe('ra-watch serve stopped by SIGTERM during a burst', () => {
  let simulator: GraphSimulator;
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'ra-watch-sigterm-'));
  });
  afterAll(async () => {
    await simulator?.stop();
    await rm(directory, { recursive: true, force: true });
  });

  it('keeps every notification it answered 202 and exits 0', async () => {
    const scenario = scenarioById('contoso-allocation')!;
    const tenantId = scenario.seed.tenantId.toLowerCase();
    simulator = await startGraphSimulator({ logger: silentLogger(), seeds: [scenario.seed] });
    // Every Graph request fails for the whole test: the worker keeps nothing it could complete.
    simulator.faults.failNext(503, 1_000_000, { retryAfterSeconds: 60 });

    const clientState = randomBytes(16).toString('hex');
    const databaseFile = join(directory, 'serve.db');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      DATABASE_URL: `sqlite:${databaseFile}`,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      CLIENT_STATE: clientState,
      GRAPH_ACCESS_TOKEN: simulator.tokenFor(tenantId),
      GRAPH_BASE_URL: simulator.url,
      AZURE_TENANT_ID: tenantId,
      QUEUE_MAX_DELIVERIES: '1000',
    };
    const child = spawn(
      process.execPath,
      ['-r', join(root, 'test/support/ts-register.js'), join(root, 'src/cli/main.ts'), 'serve'],
      {
        cwd: directory,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

    try {
      const url = await new Promise<string>((resolve, reject) => {
        const look = (): void => {
          const match = /"url":"(http:\/\/[^"]+)"[^\n]*"msg":"ra-watch started"/.exec(stdout);
          if (match !== null) resolve(match[1]!);
        };
        child.stdout.on('data', look);
        void exited.then((code) => reject(new Error(`serve exited (${code}) before it started: ${stderr}`)));
      });

      const userIds = Array.from({ length: BURST }, () => randomUUID());
      const accepted: string[] = [];
      const refused: string[] = [];
      let signalled = false;
      let next = 0;
      const post = async (userId: string): Promise<number> => {
        const body = JSON.stringify({ value: [userNotification(userId, { clientState, tenantId })] });
        try {
          const res = await fetch(`${url}/notifications`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body,
          });
          await res.arrayBuffer();
          return res.status;
        } catch {
          return 0; // refused connection or reset: the server is closing
        }
      };
      const sender = async (): Promise<void> => {
        while (next < userIds.length) {
          const userId = userIds[next++]!;
          const status = await post(userId);
          (status === 202 ? accepted : refused).push(userId);
          if (!signalled && accepted.length >= SIGNAL_AFTER_ACCEPTED) {
            signalled = true;
            child.kill('SIGTERM');
          }
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, sender));
      expect(signalled).toBe(true);

      const code = await Promise.race([
        exited,
        new Promise<'still running'>((resolve) =>
          setTimeout(() => resolve('still running'), EXIT_DEADLINE_MS).unref(),
        ),
      ]);
      expect(code).toBe(0);
      expect(stdout).toMatch(/ra-watch stopped/);
      // The burst really was cut: the signal landed with requests still to come.
      expect(accepted.length).toBeGreaterThanOrEqual(SIGNAL_AFTER_ACCEPTED);
      expect(refused.length).toBeGreaterThan(0);
      expect(accepted.length + refused.length).toBe(BURST);

      const database = await openDatabase(`sqlite:${databaseFile}`);
      try {
        const waiting = await database.db.selectFrom('queue_messages').select('body').execute();
        const deadLettered = await database.db.selectFrom('queue_dead_letters').select('body').execute();
        const kept = [...waiting, ...deadLettered].map((row) => row.body).join('\n');
        const lost = accepted.filter((userId) => !kept.includes(userId));
        expect(lost).toEqual([]);
      } finally {
        await database.close();
      }
    } finally {
      child.kill('SIGKILL');
    }
  });
});
