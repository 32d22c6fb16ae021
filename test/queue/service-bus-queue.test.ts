/**
 * The Service Bus adapter: the real @azure/service-bus SDK over a real socket to the AMQP test broker
 * (test/peers/service-bus-broker), a queue with sessions required. First the shared queue contract
 * (queue-contract.ts), unchanged; then what only Service Bus does, each case saying why it is not in the contract.
 */
import { silentLogger } from '../../src/logger';
import type { OutgoingMessage, Queue } from '../../src/queue/queue';
import { ServiceBusClient } from '@azure/service-bus';
import { createServiceBusQueue } from '../../src/queue/service-bus/adapter';
import { SESSIONS_PER_TENANT } from '../../src/queue/service-bus/tenant-session';
import { startAmqpBroker, type AmqpBroker } from '../peers/service-bus-broker/amqp-broker';
import { describeQueueContract } from './queue-contract';
import { message, tenantChange, userChanged } from './queue-fixtures';

const QUEUE_NAME = 'work';

/** A broker per case (a fresh, empty queue) and the queues opened on it. */
function serviceBus() {
  let broker: AmqpBroker | undefined;
  const queues: Queue[] = [];

  function connect(): Queue {
    if (broker === undefined) throw new Error('no broker: open a queue first');
    const queue = createServiceBusQueue({
      connectionString: broker.connectionString,
      queueName: QUEUE_NAME,
      maxDeliveries: 3,
      logger: silentLogger(),
      pollIntervalMs: 20,
      minAcceptWaitMs: 1_000,
    });
    queues.push(queue);
    return queue;
  }

  return {
    broker: () => broker!,
    async openQueue() {
      // The broker's lock duration is only the fallback for a dead process (the adapter keeps `leaseMs` itself);
      // 2 s is shorter than the contract's renewal case, so that case renews past the broker's lock too.
      broker = await startAmqpBroker([
        { name: QUEUE_NAME, requiresSession: true, lockDurationMs: 2_000, maxDeliveryCount: 3 },
      ]);
      return connect();
    },
    anotherConsumer: () => Promise.resolve(connect()),
    consumerProcessArgs: () => ['service-bus', broker!.connectionString, QUEUE_NAME],
    async afterEach() {
      await Promise.all(queues.splice(0).map((q) => q.close()));
      await broker?.close();
      broker = undefined;
    },
  };
}

describeQueueContract('Service Bus queue (real SDK, AMQP test broker)', serviceBus());

describe('Service Bus queue (real SDK, AMQP test broker): what only Service Bus does', () => {
  const harness = serviceBus();
  let queue: Queue;
  beforeEach(async () => {
    queue = await harness.openQueue();
  });
  afterEach(() => harness.afterEach());

  // Not in the contract: the embedded queue sees every stored message and so counts duplicates across sends;
  // Service Bus's duplicate detection drops a repeated id without telling the sender.
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

  // Not in the contract: the embedded queue merges into any waiting message of the key; Service Bus cannot change
  // a stored message, so only the messages of one send are merged (embedded-queue.coalescing.test.ts has the rest).
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

  // Not in the contract: the embedded queue deals each receive round-robin across tenants; Service Bus shares a
  // tenant out by its sessions (src/queue/service-bus/tenant-session.ts), at most 32 in flight per tenant.
  it("keeps a tenant's storm to its sessions' worth in flight, so the next free session is another tenant's", async () => {
    await queue.send(Array.from({ length: 200 }, (_, i) => tenantChange('tenant-a', `user-${i}`)));
    await queue.send([tenantChange('tenant-b', 'user-0')]);
    const leased = await queue.receive({ maxMessages: 40, leaseMs: 10_000 });
    const fromA = leased.filter((m) => m.orderingKey.startsWith('tenant-a/'));
    expect(fromA.length).toBeLessThanOrEqual(SESSIONS_PER_TENANT);
    expect(leased.filter((m) => m.orderingKey === 'tenant-b/user-0')).toHaveLength(1);
    // Another replica gets none of A's while these are held: every A session is taken.
    const other = await harness.anotherConsumer();
    await expect(other.receive({ maxMessages: 40, leaseMs: 10_000 })).resolves.toEqual([]);
    for (const m of leased) await queue.complete(m);
  });

  // Not in the contract: messages queued before sessions were per tenant have their ordering key as session id and
  // no key property; they are still leased under their own key.
  it('reads a message queued with its ordering key as session id (before sessions per tenant)', async () => {
    const client = new ServiceBusClient(harness.broker().connectionString);
    try {
      const sender = client.createSender(QUEUE_NAME);
      await sender.sendMessages({ messageId: 'old', sessionId: 'tenant-1/u1', body: userChanged('u1') });
      await sender.close();
    } finally {
      await client.close();
    }
    const [leased] = await queue.receive({ maxMessages: 10, leaseMs: 10_000, waitMs: 5_000 });
    expect(leased).toMatchObject({ messageId: 'old', orderingKey: 'tenant-1/u1' });
    await queue.complete(leased!);
  });

  // Not in the contract: the embedded queue's counts are exact. Service Bus's are peeked (src/queue/service-bus/stats.ts), and a
  // peek does not show locks, so a message another replica holds counts as ready here.
  it('counts a message another replica leased as ready, and its own leases as in flight', async () => {
    await queue.send([message('m1', 'k1'), message('m2', 'k2')]);
    const other = await harness.anotherConsumer();
    const [theirs] = await other.receive({ maxMessages: 1, leaseMs: 10_000 });
    const [ours] = await queue.receive({ maxMessages: 1, leaseMs: 10_000 });
    expect([theirs?.messageId, ours?.messageId].sort()).toEqual(['m1', 'm2']);
    await expect(queue.stats()).resolves.toEqual({ ready: 1, scheduled: 0, inFlight: 1, deadLettered: 0 });
    await other.complete(theirs!);
    await queue.complete(ours!);
  });
});
