/**
 * The queue port's contract (src/queue/queue.ts), run on the embedded adapter over both engines with real
 * databases. Lease lengths are short so expiry happens within the test; nothing asserts on elapsed time.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createEmbeddedQueue } from '../../src/queue/embedded/embedded-queue';
import { LeaseLostError, type OutgoingMessage, type Queue } from '../../src/queue/queue';
import { openDatabase, type Database } from '../../src/store/database';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases';
import { message, userChanged } from './queue-fixtures';

describe.each(ENGINES)('embedded queue on %s', (engine) => {
  let testDb: TestDatabase;
  let queue: Queue;
  const extraDatabases: Database[] = [];
  const extraQueues: Queue[] = [];

  // One database per engine for the file; each test starts from empty queue tables.
  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
  });
  afterAll(async () => {
    await testDb.drop();
  });

  beforeEach(async () => {
    await testDb.database.db.deleteFrom('queue_messages').execute();
    await testDb.database.db.deleteFrom('queue_dead_letters').execute();
    queue = createEmbeddedQueue(testDb.database, { maxDeliveries: 3, pollIntervalMs: 20 });
  });

  afterEach(async () => {
    await queue.close();
    await Promise.all(extraQueues.splice(0).map((q) => q.close()));
    await Promise.all(extraDatabases.splice(0).map((d) => d.close()));
  });

  /**
   * Another consumer, as another worker would be. On PostgreSQL it gets its own pool (a replica); on SQLite it
   * shares the process's one connection, as workers in one process do (a second better-sqlite3 connection in the
   * same process would block the event loop in busy_timeout while the first waits on it; other processes are
   * covered by the crash test).
   */
  async function anotherQueue(): Promise<Queue> {
    let database = testDb.database;
    if (engine === 'postgres') {
      database = await openDatabase(testDb.url);
      extraDatabases.push(database);
    }
    const other = createEmbeddedQueue(database, { maxDeliveries: 3, pollIntervalMs: 20 });
    extraQueues.push(other);
    return other;
  }

  it('delivers a sent message with its body, a first delivery count and a lease', async () => {
    const before = Date.now();
    await expect(queue.send([message('m1', 'k1')])).resolves.toEqual({
      accepted: 1,
      coalesced: 0,
      duplicates: 0,
    });
    const [leased, ...rest] = await queue.receive({ maxMessages: 10, leaseMs: 10_000 });
    expect(rest).toEqual([]);
    expect(leased).toMatchObject({ messageId: 'm1', orderingKey: 'k1', deliveryCount: 1, coalescedCount: 1 });
    expect(leased!.body).toEqual(userChanged('k1', 'm1'));
    expect(leased!.enqueuedAt.getTime()).toBeGreaterThanOrEqual(before - 1);
    expect(leased!.leaseExpiresAt.getTime()).toBeGreaterThan(Date.now());
    await queue.complete(leased!);
    await expect(queue.stats()).resolves.toEqual({ ready: 0, scheduled: 0, inFlight: 0, deadLettered: 0 });
  });

  it('redelivers a message whose lease ended unsettled, one delivery higher, and refuses the stale settle', async () => {
    await queue.send([message('m1', 'k1')]);
    const [first] = await queue.receive({ maxMessages: 1, leaseMs: 150 });
    expect(first?.deliveryCount).toBe(1);
    const [second] = await queue.receive({ maxMessages: 1, leaseMs: 10_000, waitMs: 5_000 });
    expect(second).toMatchObject({ messageId: 'm1', deliveryCount: 2 });
    expect(second!.leaseToken).not.toBe(first!.leaseToken);
    await expect(queue.complete(first!)).rejects.toBeInstanceOf(LeaseLostError);
    await expect(queue.abandon(first!)).rejects.toBeInstanceOf(LeaseLostError);
    await expect(queue.deadLetter(first!, 'x')).rejects.toBeInstanceOf(LeaseLostError);
    await expect(queue.renewLease(first!, 1000)).rejects.toBeInstanceOf(LeaseLostError);
    await queue.complete(second!);
    await expect(queue.complete(second!)).rejects.toBeInstanceOf(LeaseLostError);
  });

  it('dead-letters a message delivered maxDeliveries times, keeping the reason', async () => {
    await queue.send([message('poison', 'k1'), message('next', 'k1')]);
    for (let delivery = 1; delivery <= 3; delivery += 1) {
      const [leased] = await queue.receive({ maxMessages: 1, leaseMs: 100, waitMs: 5_000 });
      expect(leased).toMatchObject({ messageId: 'poison', deliveryCount: delivery });
    }
    // The fourth delivery would exceed the maximum: the message goes to the dead letters and its key moves on.
    const [after] = await queue.receive({ maxMessages: 1, leaseMs: 10_000, waitMs: 5_000 });
    expect(after?.messageId).toBe('next');
    const deadLetters = await queue.listDeadLetters();
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]).toMatchObject({
      messageId: 'poison',
      orderingKey: 'k1',
      reason: 'max deliveries exceeded',
      deliveryCount: 3,
      body: userChanged('k1', 'poison'),
    });
    expect((await queue.stats()).deadLettered).toBe(1);
  });

  it('keeps an explicit dead letter with reason and description, and retries it as a fresh message', async () => {
    await queue.send([message('m1', 'k1')]);
    const [leased] = await queue.receive({ maxMessages: 1, leaseMs: 10_000 });
    await queue.deadLetter(leased!, 'invalid body', 'kind: expected user-changed');
    await expect(queue.receive({ maxMessages: 1, leaseMs: 10_000 })).resolves.toEqual([]);
    const [deadLetter] = await queue.listDeadLetters({ limit: 10 });
    expect(deadLetter).toMatchObject({ reason: 'invalid body', description: 'kind: expected user-changed' });
    expect(deadLetter!.deliveryCount).toBe(1);

    await queue.retryDeadLetter(deadLetter!.id);
    await expect(queue.listDeadLetters()).resolves.toEqual([]);
    const [again] = await queue.receive({ maxMessages: 1, leaseMs: 10_000 });
    expect(again).toMatchObject({ messageId: 'm1', deliveryCount: 1, body: userChanged('k1', 'm1') });
    await expect(queue.retryDeadLetter(deadLetter!.id)).rejects.toThrow(/does not exist/);
  });

  it('does not deliver a delayed message before its notBefore time', async () => {
    const notBefore = new Date(Date.now() + 1_000);
    await queue.send([message('later', 'k1', { notBefore }), message('now', 'k2')]);
    const first = await queue.receive({ maxMessages: 10, leaseMs: 10_000 });
    expect(first.map((m) => m.messageId)).toEqual(['now']);
    expect(await queue.stats()).toMatchObject({ ready: 0, scheduled: 1, inFlight: 1 });
    const [later] = await queue.receive({ maxMessages: 10, leaseMs: 10_000, waitMs: 10_000 });
    expect(later?.messageId).toBe('later');
    expect(Date.now()).toBeGreaterThanOrEqual(notBefore.getTime());
  });

  it('makes an abandoned message visible again after the delay, as one more delivery', async () => {
    await queue.send([message('m1', 'k1')]);
    const [leased] = await queue.receive({ maxMessages: 1, leaseMs: 10_000 });
    const abandonedAt = Date.now();
    await queue.abandon(leased!, { delayMs: 700 });
    await expect(queue.receive({ maxMessages: 1, leaseMs: 10_000 })).resolves.toEqual([]);
    expect((await queue.stats()).scheduled).toBe(1);
    const [again] = await queue.receive({ maxMessages: 1, leaseMs: 10_000, waitMs: 10_000 });
    expect(again).toMatchObject({ messageId: 'm1', deliveryCount: 2 });
    expect(Date.now()).toBeGreaterThanOrEqual(abandonedAt + 700);
  });

  it('has one message per ordering key in flight, in send order', async () => {
    await queue.send([message('a1', 'A'), message('a2', 'A'), message('b1', 'B'), message('a3', 'A')]);
    const first = await queue.receive({ maxMessages: 10, leaseMs: 10_000 });
    expect(first.map((m) => m.messageId).sort()).toEqual(['a1', 'b1']);
    await expect(queue.receive({ maxMessages: 10, leaseMs: 10_000 })).resolves.toEqual([]);
    await queue.complete(first.find((m) => m.messageId === 'a1')!);
    const second = await queue.receive({ maxMessages: 10, leaseMs: 10_000 });
    expect(second.map((m) => m.messageId)).toEqual(['a2']);
  });

  it('keeps per-key order and one in flight per key with several concurrent consumers', async () => {
    const keys = ['u1', 'u2', 'u3', 'u4', 'u5'];
    const perKey = 12;
    const batch: OutgoingMessage[] = [];
    for (let i = 0; i < perKey; i += 1) for (const key of keys) batch.push(message(`${key}-${i}`, key));
    await queue.send(batch);

    const consumers = [queue, await anotherQueue(), await anotherQueue(), await anotherQueue()];
    const inFlight = new Set<string>();
    const overlaps: string[] = [];
    const handled = new Map<string, number[]>(keys.map((key) => [key, []]));
    let done = 0;
    await Promise.all(
      consumers.map(async (consumer) => {
        while (done < batch.length) {
          const leased = await consumer.receive({ maxMessages: 2, leaseMs: 10_000, waitMs: 100 });
          await Promise.all(
            leased.map(async (m) => {
              if (inFlight.has(m.orderingKey)) overlaps.push(m.messageId);
              inFlight.add(m.orderingKey);
              await sleep(Math.random() * 5);
              handled.get(m.orderingKey)!.push(Number(m.messageId.split('-')[1]));
              inFlight.delete(m.orderingKey);
              await consumer.complete(m);
              done += 1;
            }),
          );
        }
      }),
    );
    expect(overlaps).toEqual([]);
    const inOrder = Array.from({ length: perKey }, (_, i) => i);
    for (const key of keys) expect(handled.get(key)).toEqual(inOrder);
  });

  it('settles requested together keep their own outcome', async () => {
    await queue.send(['a', 'b', 'c', 'd'].map((key) => message(`m-${key}`, key)));
    const leased = await queue.receive({ maxMessages: 10, leaseMs: 10_000 });
    expect(leased).toHaveLength(4);
    const [stale, ...rest] = leased;
    await queue.complete(stale!);
    const outcomes = await Promise.allSettled([
      queue.complete(stale!),
      queue.complete(rest[0]!),
      queue.abandon(rest[1]!),
      queue.deadLetter(rest[2]!, 'bad body'),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'rejected',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ]);
    expect((outcomes[0] as PromiseRejectedResult).reason).toBeInstanceOf(LeaseLostError);
    expect(await queue.stats()).toEqual({ ready: 1, scheduled: 0, inFlight: 0, deadLettered: 1 });
  });

  it('renews a lease so a long job keeps its message', async () => {
    await queue.send([message('m1', 'k1')]);
    const [leased] = await queue.receive({ maxMessages: 1, leaseMs: 300 });
    const renewedUntil = await queue.renewLease(leased!, 10_000);
    expect(renewedUntil.getTime()).toBeGreaterThan(leased!.leaseExpiresAt.getTime());
    await sleep(400);
    await expect(queue.receive({ maxMessages: 1, leaseMs: 10_000 })).resolves.toEqual([]);
    await queue.complete(leased!);
  });

  it('keeps messages sent by a connection that has since closed', async () => {
    const writerDatabase = await openDatabase(testDb.url);
    const writer = createEmbeddedQueue(writerDatabase, { maxDeliveries: 3 });
    await writer.send([
      message('m1', 'k1'),
      message('m2', 'k2', { notBefore: new Date(Date.now() + 60_000) }),
    ]);
    await writer.close();
    await writerDatabase.close();
    expect(await queue.stats()).toEqual({ ready: 1, scheduled: 1, inFlight: 0, deadLettered: 0 });
    const [leased] = await queue.receive({ maxMessages: 10, leaseMs: 10_000 });
    expect(leased?.messageId).toBe('m1');
  });

  it('wakes a waiting receive when a message is sent, and stops waiting at close', async () => {
    const waiting = queue.receive({ maxMessages: 1, leaseMs: 10_000, waitMs: 20_000 });
    await sleep(50);
    await queue.send([message('m1', 'k1')]);
    await expect(waiting).resolves.toMatchObject([{ messageId: 'm1' }]);

    // A receive that would wait longer than the test timeout: close must end it.
    const idle = queue.receive({ maxMessages: 1, leaseMs: 10_000, waitMs: 120_000 });
    await sleep(50);
    await queue.close();
    await expect(idle).resolves.toEqual([]);
    await expect(queue.send([message('m2', 'k2')])).rejects.toThrow(/closed/);
  });

  it('answers ping', async () => {
    await expect(queue.ping()).resolves.toBeUndefined();
  });
});
