/**
 * The queue port's contract (src/queue/queue.ts) on the Service Bus adapter: the real @azure/service-bus SDK
 * over a real socket to the AMQP test broker (test/peers/service-bus-broker), a queue with sessions required. The
 * cases mirror embedded-queue.test.ts; where Service Bus differs (reason spelling is shared, stats are peeked,
 * coalescing only within one send), the test says so. Lease lengths are short; nothing asserts on elapsed time
 * except that delayed messages do not come early.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { silentLogger } from '../../src/logger';
import { LeaseLostError, type OutgoingMessage, type Queue } from '../../src/queue/queue';
import { createServiceBusQueue } from '../../src/queue/service-bus/service-bus-queue';
import { startAmqpBroker, type AmqpBroker } from '../peers/service-bus-broker/amqp-broker';
import { message, userChanged } from './queue-fixtures';

describe('Service Bus queue (real SDK, AMQP test broker)', () => {
  let broker: AmqpBroker;
  let queue: Queue;
  const extraQueues: Queue[] = [];

  function connect(): Queue {
    return createServiceBusQueue({
      connectionString: broker.connectionString,
      queueName: 'work',
      maxDeliveries: 3,
      logger: silentLogger(),
      pollIntervalMs: 20,
      minAcceptWaitMs: 1_000,
    });
  }

  beforeEach(async () => {
    // The broker's lock duration is the fallback for a dead process; the adapter keeps `leaseMs` itself.
    broker = await startAmqpBroker([
      { name: 'work', requiresSession: true, lockDurationMs: 2_000, maxDeliveryCount: 3 },
    ]);
    queue = connect();
  });

  afterEach(async () => {
    await queue.close();
    await Promise.all(extraQueues.splice(0).map((q) => q.close()));
    await broker.close();
  });

  function anotherQueue(): Queue {
    const other = connect();
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
    expect(leased!.enqueuedAt.getTime()).toBeGreaterThanOrEqual(before - 1_000);
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

  it('redelivers the message of a consumer whose connection dropped mid-lease', async () => {
    await queue.send([message('m1', 'k1')]);
    const vanished = anotherQueue();
    const [held] = await vanished.receive({ maxMessages: 1, leaseMs: 60_000 });
    expect(held?.messageId).toBe('m1');
    // A killed process: its connection drops without settling or releasing anything.
    broker.dropSessionHolder('k1');
    const [again] = await queue.receive({ maxMessages: 1, leaseMs: 10_000, waitMs: 10_000 });
    expect(again).toMatchObject({ messageId: 'm1', deliveryCount: 2 });
    await queue.complete(again!);
  });

  it('dead-letters a message delivered maxDeliveries times, keeping the reason', async () => {
    await queue.send([message('poison', 'k1'), message('next', 'k1')]);
    for (let delivery = 1; delivery <= 3; delivery += 1) {
      const [leased] = await queue.receive({ maxMessages: 1, leaseMs: 100, waitMs: 5_000 });
      expect(leased).toMatchObject({ messageId: 'poison', deliveryCount: delivery });
    }
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
    expect(deadLetter).toMatchObject({
      reason: 'invalid body',
      description: 'kind: expected user-changed',
      deliveryCount: 1,
    });

    await queue.retryDeadLetter(deadLetter!.id);
    await expect(queue.listDeadLetters()).resolves.toEqual([]);
    const [again] = await queue.receive({ maxMessages: 1, leaseMs: 10_000, waitMs: 5_000 });
    expect(again).toMatchObject({ messageId: 'm1', deliveryCount: 1, body: userChanged('k1', 'm1') });
    await expect(queue.retryDeadLetter(deadLetter!.id)).rejects.toThrow(/does not exist/);
  });

  it('does not deliver a delayed message before its notBefore time', async () => {
    const notBefore = new Date(Date.now() + 1_500);
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
    await queue.abandon(leased!, { delayMs: 1_000 });
    await expect(queue.receive({ maxMessages: 1, leaseMs: 10_000 })).resolves.toEqual([]);
    expect((await queue.stats()).scheduled).toBe(1);
    const [again] = await queue.receive({ maxMessages: 1, leaseMs: 10_000, waitMs: 10_000 });
    expect(again).toMatchObject({ messageId: 'm1', deliveryCount: 2, body: userChanged('k1', 'm1') });
    expect(Date.now()).toBeGreaterThanOrEqual(abandonedAt + 1_000);
  });

  it('counts deliveries across delayed retries and dead-letters past maxDeliveries', async () => {
    await queue.send([message('m1', 'k1')]);
    for (let delivery = 1; delivery <= 3; delivery += 1) {
      const [leased] = await queue.receive({ maxMessages: 1, leaseMs: 10_000, waitMs: 5_000 });
      expect(leased).toMatchObject({ messageId: 'm1', deliveryCount: delivery });
      await queue.abandon(leased!, { delayMs: 100 });
    }
    // Each copy was a first delivery for Service Bus; the adapter counts on and stops at the fourth.
    await expect(queue.receive({ maxMessages: 1, leaseMs: 10_000, waitMs: 1_000 })).resolves.toEqual([]);
    const [deadLetter] = await queue.listDeadLetters();
    expect(deadLetter).toMatchObject({
      messageId: 'm1',
      reason: 'max deliveries exceeded',
      body: userChanged('k1', 'm1'),
    });
  });

  it('gives an abandoned message back at once without a delay', async () => {
    await queue.send([message('m1', 'k1')]);
    const [leased] = await queue.receive({ maxMessages: 1, leaseMs: 10_000 });
    await queue.abandon(leased!);
    const [again] = await queue.receive({ maxMessages: 1, leaseMs: 10_000, waitMs: 5_000 });
    expect(again).toMatchObject({ messageId: 'm1', deliveryCount: 2 });
  });

  it('keeps a renewed lease past the broker lock and past the first lease length', async () => {
    await queue.send([message('m1', 'k1')]);
    const [leased] = await queue.receive({ maxMessages: 1, leaseMs: 600 });
    const other = anotherQueue();
    for (let i = 0; i < 6; i += 1) {
      await sleep(400);
      const until = await queue.renewLease(leased!, 600);
      expect(until.getTime()).toBeGreaterThan(Date.now());
    }
    // 2.4 s in: beyond the first lease (0.6 s) and the broker's lock (2 s); nobody else got the message.
    await expect(other.receive({ maxMessages: 1, leaseMs: 10_000 })).resolves.toEqual([]);
    await queue.complete(leased!);
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
    const perKey = 6;
    const batch: OutgoingMessage[] = [];
    for (let i = 0; i < perKey; i += 1) for (const key of keys) batch.push(message(`${key}-${i}`, key));
    await queue.send(batch);

    const consumers = [queue, anotherQueue(), anotherQueue(), anotherQueue()];
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

  it('stores a repeated non-coalescing message id once (duplicate detection) and counts repeats within a send', async () => {
    await expect(queue.send([message('follow-up', 'k1'), message('follow-up', 'k1')])).resolves.toEqual({
      accepted: 1,
      coalesced: 0,
      duplicates: 1,
    });
    // A later send of the same id is dropped by Service Bus's duplicate detection; it cannot tell us so.
    await queue.send([message('follow-up', 'k1')]);
    const [leased] = await queue.receive({ maxMessages: 1, leaseMs: 10_000 });
    await queue.complete(leased!);
    await expect(queue.receive({ maxMessages: 1, leaseMs: 10_000, waitMs: 300 })).resolves.toEqual([]);
  });

  it('merges coalescing messages of one send per key, and never swallows a later change with the same id', async () => {
    const change = (id: string): OutgoingMessage => message(id, 'k1', { coalesce: true });
    await expect(
      queue.send([change('c'), message('other', 'k2', { coalesce: true }), change('c2')]),
    ).resolves.toEqual({
      accepted: 2,
      coalesced: 1,
      duplicates: 0,
    });
    const [first] = (await queue.receive({ maxMessages: 10, leaseMs: 10_000 })).filter(
      (m) => m.orderingKey === 'k1',
    );
    expect(first).toMatchObject({ messageId: 'c', coalescedCount: 2 });
    await queue.complete(first!);
    // The same content-derived id again: a new real change to the user, which must be read again.
    await queue.send([change('c')]);
    const again = await queue.receive({ maxMessages: 10, leaseMs: 10_000, waitMs: 5_000 });
    expect(again.map((m) => m.messageId)).toContain('c');
  });

  it('answers ping, and refuses work after close', async () => {
    await expect(queue.ping()).resolves.toBeUndefined();
    await queue.close();
    await expect(queue.send([message('m1', 'k1')])).rejects.toThrow(/closed/);
  });
});
