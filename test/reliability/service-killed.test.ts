/**
 * kill -9 of the service during a burst of 10,000 notifications (the real app in a child process, ingest
 * listening), then a restart. Graph's side delivers again whatever was not answered 202, as Graph does. Verdict:
 * every notification that got a 202 is processed (its user read from Graph after it was sent), none lost, and no
 * alert raised twice.
 */
import { createStore } from '../../src/store/sql-store';
import { createEmbeddedQueue } from '../../src/queue/embedded/adapter';
import { startGraphSimulator, type GraphSimulator } from '../../src/graph/simulator/graph-simulator';
import { silentLogger } from '../../src/logger';
import { ENGINES, createTestDatabase, type TestDatabase } from '../support/databases';
import { CLIENT_STATE, recordBaseline, reliabilityTenant } from './support/reliability-tenant';
import { countProcessed, waitForDrainedQueue } from './support/reliability-app';
import { burst, deliverOnce, describeAnswers, newDeliveryLog } from './support/post-notifications';
import { startServiceProcess, type ServiceProcess } from './support/service-process';
import { printVerdict } from './support/verdict';

const NOTIFICATIONS = 10_000;
const PER_POST = 20;
const CONNECTIONS = 16;
const KILL_AFTER_ACCEPTED_POSTS = 150;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe.each(ENGINES)('kill -9 of the service during a burst on %s', (engine) => {
  let simulator: GraphSimulator | null = null;
  let db: TestDatabase | null = null;
  const services: ServiceProcess[] = [];
  afterEach(async () => {
    for (const service of services.splice(0)) await service.kill('SIGKILL');
    await simulator?.stop();
    await db?.drop();
    simulator = null;
    db = null;
  });

  it('processes every accepted notification after a restart, loses none and alerts nothing twice', async () => {
    const tenant = reliabilityTenant(300);
    simulator = await startGraphSimulator({ logger: silentLogger(), seeds: [tenant.seed] });
    db = await createTestDatabase(engine);
    const store = createStore(db.database);
    const queue = createEmbeddedQueue(db.database, { maxDeliveries: 10 });
    await recordBaseline(store, tenant.tenantId);
    // Slow Graph answers keep batches in flight when the kill lands.
    simulator.faults.slowNext(50, 300);
    const env = {
      DATABASE_URL: db.url,
      GRAPH_BASE_URL: simulator.url,
      GRAPH_ACCESS_TOKEN: simulator.tokenFor(tenant.tenantId),
      AZURE_TENANT_ID: tenant.tenantId,
      CLIENT_STATE,
    };
    let service = await startServiceProcess(env);
    services.push(service);

    const log = newDeliveryLog();
    const bodies = burst(tenant.userIds, NOTIFICATIONS, PER_POST);
    let next = 0;
    let acceptedPosts = 0;
    let killed: { at: number; queue: string } | null = null;
    let restarting: Promise<void> | null = null;
    const killAndRestart = async (): Promise<void> => {
      const stats = await queue.stats();
      killed = { at: acceptedPosts, queue: `${stats.ready} ready, ${stats.inFlight} in flight` };
      await service.kill('SIGKILL');
      service = await startServiceProcess(env);
      services.push(service);
    };
    const runner = async (): Promise<void> => {
      while (next < bodies.length) {
        const users = bodies[next++]!;
        // Graph delivers again until it gets its 2xx.
        for (let tries = 0; ; tries += 1) {
          if (tries > 200) throw new Error('a notification body was never accepted');
          const status = await deliverOnce(service.url, tenant.tenantId, users, log);
          if (status === 202) break;
          await (restarting ?? sleep(100));
        }
        acceptedPosts += 1;
        if (acceptedPosts === KILL_AFTER_ACCEPTED_POSTS && restarting === null) restarting = killAndRestart();
      }
    };
    await Promise.all(Array.from({ length: CONNECTIONS }, runner));
    await (restarting as Promise<void> | null);
    await waitForDrainedQueue({ queue }, 120_000);
    await sleep(1_000); // the debounced tenant evaluation

    const stats = await queue.stats();
    const processed = await countProcessed({ store }, tenant.tenantId, log.accepted);
    const alerts = await store.alerts.list({ tenantId: tenant.tenantId, limit: 1000 });
    const unlicensed = alerts.filter((a) => a.ruleId === 'ra.unlicensed').map((a) => a.userId);
    const duplicateAlerts = alerts.length - new Set(alerts.map((a) => a.dedupeKey)).size;
    let duplicateOutbox = 0;
    for (const alert of alerts) {
      const opened = (await store.outbox.listForAlert(alert.id)).filter((e) => e.kind === 'opened');
      duplicateOutbox += opened.length - new Set(opened.map((e) => e.sink)).size;
    }
    const k = killed as { at: number; queue: string } | null;
    const lost = printVerdict({
      scenario: `kill -9 of the service during a burst (${engine})`,
      sent: [
        `${bodies.length} POSTs of ${PER_POST} notifications over ${tenant.userIds.length} users from ${CONNECTIONS} connections (${describeAnswers(log)}); unanswered ones delivered again`,
        `SIGKILL after ${k?.at ?? '?'} accepted POSTs (queue then: ${k?.queue ?? '?'}), restarted at once`,
      ],
      saw: [
        `queue after: ${JSON.stringify(stats)}`,
        `${alerts.length} alerts (${unlicensed.length} ra.unlicensed), ${duplicateAlerts} duplicate alerts, ${duplicateOutbox} duplicate outbox entries`,
      ],
      published: log.accepted.length,
      processed,
      deadLettered: stats.deadLettered,
    });
    expect(k).not.toBeNull();
    expect(log.accepted).toHaveLength(NOTIFICATIONS);
    expect(processed).toBe(NOTIFICATIONS);
    expect(lost).toBe(0);
    expect(stats).toMatchObject({ ready: 0, inFlight: 0, scheduled: 0, deadLettered: 0 });
    expect([...unlicensed].sort()).toEqual([...tenant.unlicensedIds].sort());
    expect(duplicateAlerts).toBe(0);
    expect(duplicateOutbox).toBe(0);
    await queue.close();
  });
});
