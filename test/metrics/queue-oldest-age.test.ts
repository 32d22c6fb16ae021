/**
 * The queue port's `oldestReadyEnqueuedAt` (asked for with `stats({ oldestReady: true })`), which the
 * `ra_watch_queue_oldest_message_age_seconds` gauge reads: on the embedded queue over both engines (exact), and on the
 * Service Bus adapter through the real SDK and the AMQP test broker (peeked, so approximate: a leased message still
 * shows as active). Without the option the stats keep their four counts and nothing else.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { silentLogger } from '../../src/logger';
import { createEmbeddedQueue } from '../../src/queue/embedded/adapter';
import type { Queue } from '../../src/queue/queue';
import { createServiceBusQueue } from '../../src/queue/service-bus/adapter';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases';
import { startAmqpBroker, type AmqpBroker } from '../peers/service-bus-broker/amqp-broker';
import { message } from '../queue/queue-fixtures';

describe.each(ENGINES)('embedded queue on %s: the oldest ready message', (engine) => {
  let testDb: TestDatabase;
  let queue: Queue;

  beforeEach(async () => {
    testDb = await createTestDatabase(engine);
    queue = createEmbeddedQueue(testDb.database, { maxDeliveries: 5, sendThread: false });
  });
  afterEach(async () => {
    await queue.close();
    await testDb.drop();
  });

  it('is null when nothing is ready, and absent unless asked for', async () => {
    await expect(queue.stats({ oldestReady: true })).resolves.toEqual({
      ready: 0,
      scheduled: 0,
      inFlight: 0,
      deadLettered: 0,
      oldestReadyEnqueuedAt: null,
    });
    await queue.send([message('m-1', 'k-1')]);
    expect(await queue.stats()).not.toHaveProperty('oldestReadyEnqueuedAt');
  });

  it('is the first send among ready messages: leased and scheduled ones do not count', async () => {
    const first = Date.now();
    await queue.send([message('m-1', 'k-1')]);
    await sleep(30);
    const second = Date.now();
    await queue.send([
      message('m-2', 'k-2'),
      message('m-3', 'k-3', { notBefore: new Date(Date.now() + 3_600_000) }),
    ]);
    const afterSends = Date.now();

    const all = await queue.stats({ oldestReady: true });
    expect(all.ready).toBe(2);
    expect(all.oldestReadyEnqueuedAt!.getTime()).toBeGreaterThanOrEqual(first);
    expect(all.oldestReadyEnqueuedAt!.getTime()).toBeLessThan(second);

    // Lease the oldest (k-1): the next oldest ready message is m-2.
    const [leased] = await queue.receive({ maxMessages: 1, leaseMs: 60_000 });
    expect(leased?.messageId).toBe('m-1');
    const rest = await queue.stats({ oldestReady: true });
    expect(rest.oldestReadyEnqueuedAt!.getTime()).toBeGreaterThanOrEqual(second);
    expect(rest.oldestReadyEnqueuedAt!.getTime()).toBeLessThanOrEqual(afterSends);

    const [next] = await queue.receive({ maxMessages: 1, leaseMs: 60_000 });
    expect(next?.messageId).toBe('m-2');
    expect((await queue.stats({ oldestReady: true })).oldestReadyEnqueuedAt).toBeNull();
  });
});

describe('Service Bus queue: the oldest ready message (peeked, approximate)', () => {
  let broker: AmqpBroker;
  let queue: Queue;

  beforeEach(async () => {
    broker = await startAmqpBroker([
      { name: 'work', requiresSession: true, lockDurationMs: 2_000, maxDeliveryCount: 3 },
    ]);
    queue = createServiceBusQueue({
      connectionString: broker.connectionString,
      queueName: 'work',
      maxDeliveries: 3,
      logger: silentLogger(),
      pollIntervalMs: 20,
      minAcceptWaitMs: 1_000,
    });
  });
  afterEach(async () => {
    await queue.close();
    await broker.close();
  });

  it('is the earliest enqueued active message, null on an empty queue, absent unless asked for', async () => {
    expect((await queue.stats({ oldestReady: true })).oldestReadyEnqueuedAt).toBeNull();
    const before = Date.now();
    await queue.send([message('m-1', 'k-1')]);
    await sleep(30);
    await queue.send([message('m-2', 'k-2')]);

    const stats = await queue.stats({ oldestReady: true });
    expect(stats.ready).toBe(2);
    // The broker stamps enqueue times with its own clock (the same machine here); a second of slack for rounding.
    const oldest = stats.oldestReadyEnqueuedAt!.getTime();
    expect(oldest).toBeGreaterThanOrEqual(before - 1_000);
    expect(oldest).toBeLessThanOrEqual(Date.now());
    expect(await queue.stats()).not.toHaveProperty('oldestReadyEnqueuedAt');

    const [leased] = await queue.receive({ maxMessages: 1, leaseMs: 10_000 });
    await queue.complete(leased!);
    const [other] = await queue.receive({ maxMessages: 1, leaseMs: 10_000 });
    await queue.complete(other!);
    expect((await queue.stats({ oldestReady: true })).oldestReadyEnqueuedAt).toBeNull();
  });
});
