/**
 * PostgreSQL restarted in the middle of a burst, once: the server the run uses (the machine's shared one with
 * `pg_ctlcluster ... restart`, or the run's embedded one with `pg_ctl restart`; support/restart-test-postgres.ts).
 * The service is not restarted: while the database is away, ingest answers 503 and Graph's side delivers again; the
 * worker's and the outbox's failed rounds are retried. Verdict: every notification that got a 202 is processed.
 *
 * Known failure (reported, src/store/database.ts): a pooled client that is checked out between two statements when
 * the server goes away emits 'error' with no listener (pg-pool removes its idle listener on acquire), which jest
 * reports as an unhandled error and which would end a plain node process. Fix: `pool.on('connect', (client) =>
 * client.on('error', ...))`.
 */
import {
  countProcessed,
  startReliabilityApp,
  waitForDrainedQueue,
  type ReliabilityApp,
} from './support/reliability-app';
import { burst, deliverOnce, describeAnswers, newDeliveryLog } from './support/post-notifications';
import {
  ensureTestPostgresRunning,
  restartCommand,
  restartTestPostgres,
} from './support/restart-test-postgres';
import { printVerdict } from './support/verdict';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const NOTIFICATIONS = 4_000;
const RESTART_AFTER_ACCEPTED_POSTS = 60;

describe('PostgreSQL restarted mid-run', () => {
  let harness: ReliabilityApp | null = null;
  afterEach(async () => {
    // Whatever happened, leave the shared server running.
    await ensureTestPostgresRunning();
    await harness?.stop();
    harness = null;
  });

  it('recovers without a restart of its own and loses nothing', async () => {
    harness = await startReliabilityApp({ engine: 'postgres', people: 300 });
    const { app, tenant } = harness;
    const log = newDeliveryLog();
    const bodies = burst(tenant.userIds, NOTIFICATIONS, 20);
    let next = 0;
    let acceptedPosts = 0;
    let restart: Promise<void> | null = null;
    let restartTook = 0;
    const restartPostgres = async (): Promise<void> => {
      const started = Date.now();
      await restartTestPostgres();
      restartTook = Date.now() - started;
    };
    const runner = async (): Promise<void> => {
      while (next < bodies.length) {
        const users = bodies[next++]!;
        for (let tries = 0; ; tries += 1) {
          if (tries > 300) throw new Error('a notification body was never accepted');
          if ((await deliverOnce(harness!.url, tenant.tenantId, users, log)) === 202) break;
          await sleep(200); // Graph's redelivery, much faster
        }
        acceptedPosts += 1;
        if (acceptedPosts === RESTART_AFTER_ACCEPTED_POSTS && restart === null) restart = restartPostgres();
        await sleep(10); // a burst spread over the restart
      }
    };
    await Promise.all(Array.from({ length: 8 }, runner));
    await (restart as Promise<void> | null);
    await waitForDrainedQueue(app, 120_000);

    const stats = await app.queue.stats();
    const processed = await countProcessed(app, tenant.tenantId, log.accepted);
    const ready = await fetch(`${harness.url}/readyz`).then((r) => r.status);
    const lost = printVerdict({
      scenario: 'PostgreSQL restarted mid-run (postgres)',
      sent: [
        `${bodies.length} POSTs of 20 notifications over ${tenant.userIds.length} users from 8 connections (${describeAnswers(log)}); 503s delivered again`,
        `${restartCommand()} after ${RESTART_AFTER_ACCEPTED_POSTS} accepted POSTs (took ${restartTook} ms); the service kept running`,
      ],
      saw: [`queue after: ${JSON.stringify(stats)}; /readyz ${ready}`],
      published: log.accepted.length,
      processed,
      deadLettered: stats.deadLettered,
    });
    expect(restartTook).toBeGreaterThan(0);
    expect(log.accepted).toHaveLength(NOTIFICATIONS);
    expect(ready).toBe(200);
    expect(processed).toBe(log.accepted.length);
    expect(lost).toBe(0);
    expect(stats).toMatchObject({ ready: 0, inFlight: 0, scheduled: 0, deadLettered: 0 });
  });
});
