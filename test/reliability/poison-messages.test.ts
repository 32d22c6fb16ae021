/**
 * Poison messages: bodies the worker cannot read and a user Graph never stops failing for. Each must end in the dead
 * letters with its reason (nothing silently dropped, nothing retried for ever), while the good messages sent with
 * them are processed.
 */
import { orderingKeyFor, type WorkItem } from '../../src/queue/work-item';
import { scenarioById } from '../../src/graph/simulator/scenarios';
import type { OutgoingMessage } from '../../src/queue/queue';
import { ENGINES } from '../support/databases';
import {
  countProcessed,
  startReliabilityApp,
  waitForDrainedQueue,
  type ReliabilityApp,
} from './support/reliability-app';
import { printVerdict } from './support/verdict';

describe.each(ENGINES)('poison messages on %s', (engine) => {
  let harness: ReliabilityApp | null = null;
  afterEach(async () => {
    await harness?.stop();
    harness = null;
  });

  it('end in the dead letters with their reason; the good ones are processed', async () => {
    harness = await startReliabilityApp({ engine, env: { QUEUE_MAX_DELIVERIES: '3' }, people: 20 });
    const { app, simulator, tenant } = harness;
    const tenantId = tenant.tenantId;
    const receivedAt = new Date().toISOString();
    const userChanged = (userId: string): WorkItem => ({
      kind: 'user-changed',
      tenantId,
      userId,
      changeType: 'updated',
      subscriptionId: null,
      receivedAt,
      source: 'notification',
    });
    // A queue body is whatever a producer wrote; these stand for a buggy or hostile producer (never valid WorkItems).
    const unreadable: Array<[string, unknown]> = [
      ['poison-not-an-object', 'user-changed please'],
      ['poison-unknown-kind', { kind: 'mystery', tenantId }],
      [
        'poison-missing-user',
        {
          kind: 'user-changed',
          tenantId,
          changeType: 'updated',
          subscriptionId: null,
          receivedAt,
          source: 'notification',
        },
      ],
      [
        'poison-wrong-types',
        {
          kind: 'user-changed',
          tenantId: 42,
          userId: [],
          changeType: 'exploded',
          subscriptionId: 7,
          receivedAt: null,
          source: 'x',
        },
      ],
      ['poison-null', null],
    ];
    // A real user whose every read fails (Graph answers 500 for this one user, for ever). It lives in a tenant of its
    // own: users of one tenant share one $batch read, and a failed read fails every message waiting on it (see the
    // report: a good user batched with a cursed one is dead-lettered with it), which is not what this scenario is about.
    const cursedSeed = scenarioById('new-ra-without-license')!.seed;
    const cursedTenant = simulator.seed(cursedSeed).toLowerCase();
    const cursedUser = cursedSeed.users[0]!.id;
    simulator.faults.failNext(500, 1_000_000, {
      route: (r) => r.path.toLowerCase().includes(cursedUser.toLowerCase()),
    });
    const goodUsers = tenant.userIds.slice(1, 41);

    const sentAt = Date.now();
    const messages: OutgoingMessage[] = [
      ...unreadable.map(([messageId, body], k) => ({
        messageId,
        orderingKey: `poison/${k}`,
        body: body as WorkItem,
      })),
      {
        messageId: 'poison-graph-always-fails',
        orderingKey: orderingKeyFor(cursedTenant, cursedUser),
        body: { ...userChanged(cursedUser), tenantId: cursedTenant },
      },
      ...goodUsers.map((userId) => ({
        messageId: `good-${userId}`,
        orderingKey: orderingKeyFor(tenantId, userId),
        body: userChanged(userId),
      })),
    ];
    const poisonIds = [...unreadable.map(([id]) => id), 'poison-graph-always-fails'];
    await app.queue.send(messages);
    await waitForDrainedQueue(app, 90_000);

    const deadLetters = await app.queue.listDeadLetters({ limit: 1000 });
    const withReason = deadLetters.filter(
      (d) => poisonIds.includes(d.messageId) && d.reason.trim().length > 0,
    );
    const processed = await countProcessed(
      app,
      tenantId,
      goodUsers.map((userId) => ({ userId, sentAt })),
    );
    const lost = printVerdict({
      scenario: `poison messages (${engine})`,
      sent: [
        `${unreadable.length} unreadable bodies, 1 user whose Graph reads always fail (500), ${goodUsers.length} good user-changed messages; QUEUE_MAX_DELIVERIES=3`,
      ],
      saw: [
        ...deadLetters.map(
          (d) =>
            `dead letter ${d.messageId} after ${d.deliveryCount} deliveries: ${d.reason.replace(/\s+/g, ' ')}${d.description === null ? '' : ` (${d.description.replace(/\s+/g, ' ').slice(0, 100)})`}`,
        ),
        `${processed} good users read after they were sent`,
      ],
      published: messages.length,
      processed,
      deadLettered: withReason.length,
    });
    expect(withReason.map((d) => d.messageId).sort()).toEqual([...poisonIds].sort());
    expect(deadLetters).toHaveLength(poisonIds.length);
    expect(processed).toBe(goodUsers.length);
    expect(lost).toBe(0);
    expect(await app.queue.stats()).toMatchObject({
      ready: 0,
      inFlight: 0,
      scheduled: 0,
      deadLettered: poisonIds.length,
    });
  });
});
