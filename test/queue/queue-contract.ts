/**
 * The queue port's contract (src/queue/queue.ts) as one suite, run unchanged on every transport: the embedded
 * queue on SQLite and on PostgreSQL (embedded-queue.test.ts) and Service Bus through the real SDK and the AMQP
 * test broker (service-bus-queue.test.ts). A case that holds on one transport only does not belong here: it
 * lives in that transport's file, which says why.
 *
 * Every transport gets the same timings. Lease lengths are short so that expiry happens within the test; nothing
 * asserts on elapsed time except that delayed messages do not come early.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DeadLetterNotFoundError,
  LeaseLostError,
  type OutgoingMessage,
  type Queue,
} from '../../src/queue/queue';
import { message, tenantChange, userChanged } from './queue-fixtures';

export interface QueueHarness {
  /** Once before the suite (a database, say). */
  beforeAll?(): Promise<void>;
  afterAll?(): Promise<void>;
  /** A fresh, empty queue that dead-letters a message after its third delivery (maxDeliveries 3). */
  openQueue(): Promise<Queue>;
  /** Another consumer of the queue `openQueue` opened last, as another replica of the worker would be. */
  anotherConsumer(): Promise<Queue>;
  /**
   * The arguments after `<maxMessages> <leaseMs>` with which test/queue/fixtures/lease-and-hang.ts opens that
   * same queue in a child process: the consumer the suite kills the hard way (SIGKILL).
   */
  consumerProcessArgs(): string[];
  /** After each case: close every queue opened for it (a queue the case closed already included). */
  afterEach(): Promise<void>;
}

const root = path.resolve(__dirname, '../..');

/** Spawns a consumer process that leases messages and hangs; resolves with the message ids it leased. */
function leaseInChild(args: string[], maxMessages: number, leaseMs: number) {
  const child = spawn(
    process.execPath,
    [
      '-r',
      './test/support/ts-register.js',
      'test/queue/fixtures/lease-and-hang.ts',
      String(maxMessages),
      String(leaseMs),
      ...args,
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, signal) => resolve(signal)),
  );
  const leased = new Promise<string[]>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!) as string[]);
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`child exited (${code}) before leasing: ${err}`)));
  });
  return { child, leased, exited };
}

export function describeQueueContract(name: string, harness: QueueHarness): void {
  describe(`${name}: the queue contract`, () => {
    let queue: Queue;

    if (harness.beforeAll !== undefined) beforeAll(() => harness.beforeAll!());
    if (harness.afterAll !== undefined) afterAll(() => harness.afterAll!());
    beforeEach(async () => {
      queue = await harness.openQueue();
    });
    afterEach(() => harness.afterEach());

    it('delivers a sent message with its body, a first delivery count and a lease', async () => {
      const before = Date.now();
      await expect(queue.send([message('m1', 'k1')])).resolves.toEqual({
        accepted: 1,
        coalesced: 0,
        duplicates: 0,
      });
      const [leased, ...rest] = await queue.receive({ maxMessages: 10, leaseMs: 10_000 });
      expect(rest).toEqual([]);
      expect(leased).toMatchObject({
        messageId: 'm1',
        orderingKey: 'k1',
        deliveryCount: 1,
        coalescedCount: 1,
      });
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

    it('counts abandons with a delay as deliveries and dead-letters past maxDeliveries', async () => {
      await queue.send([message('m1', 'k1')]);
      for (let delivery = 1; delivery <= 3; delivery += 1) {
        const [leased] = await queue.receive({ maxMessages: 1, leaseMs: 10_000, waitMs: 5_000 });
        expect(leased).toMatchObject({ messageId: 'm1', deliveryCount: delivery });
        await queue.abandon(leased!, { delayMs: 100 });
      }
      await expect(queue.receive({ maxMessages: 1, leaseMs: 10_000, waitMs: 1_000 })).resolves.toEqual([]);
      const [deadLetter, ...others] = await queue.listDeadLetters();
      expect(others).toEqual([]);
      expect(deadLetter).toMatchObject({
        messageId: 'm1',
        orderingKey: 'k1',
        reason: 'max deliveries exceeded',
        body: userChanged('k1', 'm1'),
      });
    });

    it('keeps an explicit dead letter with reason and description, and retries it as a fresh message', async () => {
      await queue.send([message('m1', 'k1')]);
      const [leased] = await queue.receive({ maxMessages: 1, leaseMs: 10_000 });
      await queue.deadLetter(leased!, 'invalid body', 'kind: expected user-changed');
      await expect(queue.receive({ maxMessages: 1, leaseMs: 10_000 })).resolves.toEqual([]);
      const [deadLetter, ...others] = await queue.listDeadLetters({ limit: 10 });
      expect(others).toEqual([]);
      expect(deadLetter).toMatchObject({
        messageId: 'm1',
        orderingKey: 'k1',
        body: userChanged('k1', 'm1'),
        reason: 'invalid body',
        description: 'kind: expected user-changed',
        deliveryCount: 1,
      });
      expect((await queue.stats()).deadLettered).toBe(1);

      await queue.retryDeadLetter(deadLetter!.id);
      await expect(queue.listDeadLetters()).resolves.toEqual([]);
      const [again] = await queue.receive({ maxMessages: 1, leaseMs: 10_000, waitMs: 5_000 });
      expect(again).toMatchObject({ messageId: 'm1', deliveryCount: 1, body: userChanged('k1', 'm1') });
      // Retried already: the id is gone.
      await expect(queue.retryDeadLetter(deadLetter!.id)).rejects.toBeInstanceOf(DeadLetterNotFoundError);
    });

    it('refuses to retry a dead letter it does not hold, naming the id', async () => {
      await queue.send([message('m1', 'k1')]);
      const [leased] = await queue.receive({ maxMessages: 1, leaseMs: 10_000 });
      await queue.deadLetter(leased!, 'invalid body');
      // What an admin might type: any string, not only one shaped like the queue's own ids.
      for (const unknown of ['no-such-dead-letter', '00000000-0000-4000-8000-000000000000', '999999']) {
        const refusal = queue.retryDeadLetter(unknown);
        await expect(refusal).rejects.toBeInstanceOf(DeadLetterNotFoundError);
        await expect(refusal).rejects.toThrow(unknown);
      }
      // The dead letter that is there is untouched.
      await expect(queue.listDeadLetters()).resolves.toMatchObject([
        { messageId: 'm1', reason: 'invalid body' },
      ]);
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

    it('gives an abandoned message back at once without a delay', async () => {
      await queue.send([message('m1', 'k1')]);
      const [leased] = await queue.receive({ maxMessages: 1, leaseMs: 10_000 });
      await queue.abandon(leased!);
      const [again] = await queue.receive({ maxMessages: 1, leaseMs: 10_000, waitMs: 5_000 });
      expect(again).toMatchObject({ messageId: 'm1', deliveryCount: 2 });
    });

    it('has one message per ordering key in flight, in send order', async () => {
      await queue.send([message('a1', 'A'), message('a2', 'A'), message('b1', 'B'), message('a3', 'A')]);
      const first = await queue.receive({ maxMessages: 10, leaseMs: 10_000 });
      expect(first.map((m) => m.messageId).sort()).toEqual(['a1', 'b1']);
      await expect(queue.receive({ maxMessages: 10, leaseMs: 10_000 })).resolves.toEqual([]);
      await expect(
        (await harness.anotherConsumer()).receive({ maxMessages: 10, leaseMs: 10_000 }),
      ).resolves.toEqual([]);
      await queue.complete(first.find((m) => m.messageId === 'a1')!);
      const second = await queue.receive({ maxMessages: 10, leaseMs: 10_000 });
      expect(second.map((m) => m.messageId)).toEqual(['a2']);
    });

    // Fairness across tenants (issue 19 item 6): tenant A's storm (a bulk license change on thousands of users) must
    // not hold tenant B's one change behind it. Taken in queue order, B's change came after all of A's.
    it("leases another tenant's change in the first batch during one tenant's storm, and loses none of the storm", async () => {
      const storm = Array.from({ length: 60 }, (_, i) => tenantChange('tenant-a', `user-${i}`));
      await queue.send(storm);
      await queue.send([tenantChange('tenant-b', 'user-0')]);
      // One worker's leases (two batches of 20): Service Bus spreads a tenant over 32 sessions.
      const first = await queue.receive({ maxMessages: 40, leaseMs: 10_000 });
      expect(first.filter((m) => m.orderingKey === 'tenant-b/user-0')).toHaveLength(1);
      // The rest of the batch is A's: a fair receive still fills what others do not need.
      expect(first.filter((m) => m.orderingKey.startsWith('tenant-a/')).length).toBeGreaterThan(1);

      const delivered = new Set<string>();
      for (let batch = first; batch.length > 0;) {
        for (const m of batch) {
          delivered.add(m.messageId);
          await queue.complete(m);
        }
        batch = await queue.receive({ maxMessages: 20, leaseMs: 10_000, waitMs: 1_000 });
      }
      expect(delivered.size).toBe(storm.length + 1);
    });

    it('keeps per-key order and one in flight per key with several concurrent consumers', async () => {
      const keys = ['u1', 'u2', 'u3', 'u4', 'u5'];
      const perKey = 12;
      const batch: OutgoingMessage[] = [];
      for (let i = 0; i < perKey; i += 1) for (const key of keys) batch.push(message(`${key}-${i}`, key));
      await queue.send(batch);

      const consumers = [
        queue,
        await harness.anotherConsumer(),
        await harness.anotherConsumer(),
        await harness.anotherConsumer(),
      ];
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

    it('renews a lease so a long job keeps its message past its first lease, from every consumer', async () => {
      await queue.send([message('m1', 'k1')]);
      const [leased] = await queue.receive({ maxMessages: 1, leaseMs: 600 });
      const other = await harness.anotherConsumer();
      for (let i = 0; i < 6; i += 1) {
        await sleep(400);
        const until = await queue.renewLease(leased!, 600);
        expect(until.getTime()).toBeGreaterThan(Date.now());
      }
      // 2.4 s in, four times the first lease: nobody got the message again.
      await expect(other.receive({ maxMessages: 1, leaseMs: 10_000 })).resolves.toEqual([]);
      await expect(queue.receive({ maxMessages: 1, leaseMs: 10_000 })).resolves.toEqual([]);
      await queue.complete(leased!);
      await expect(queue.stats()).resolves.toEqual({ ready: 0, scheduled: 0, inFlight: 0, deadLettered: 0 });
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
    });

    it('answers ping', async () => {
      await expect(queue.ping()).resolves.toBeUndefined();
    });

    it('refuses work after close', async () => {
      await queue.send([message('m1', 'k1')]);
      await queue.close();
      await expect(queue.send([message('m2', 'k2')])).rejects.toThrow(/closed/);
      // A receive is not an error after close, only empty: one that started a moment before close ends with no
      // messages (the case above), and a worker's last poll must not fail for having come a moment after it.
      await expect(queue.receive({ maxMessages: 1, leaseMs: 10_000, waitMs: 1_000 })).resolves.toEqual([]);
      await expect(queue.stats()).rejects.toThrow(/closed/);
      await expect(queue.ping()).rejects.toThrow(/closed/);
      // What was sent before stays for the other consumers.
      const [leased] = await (
        await harness.anotherConsumer()
      ).receive({ maxMessages: 1, leaseMs: 10_000, waitMs: 5_000 });
      expect(leased?.messageId).toBe('m1');
    });

    it('delivers every message again after a consumer is killed mid-lease, one delivery higher, losing none', async () => {
      const sent: OutgoingMessage[] = Array.from({ length: 8 }, (_, i) =>
        message(`m${i}`, `tenant/user-${i % 4}`),
      );
      await queue.send(sent);

      const { child, leased, exited } = leaseInChild(harness.consumerProcessArgs(), 4, 1_500);
      const leasedByChild = await leased;
      expect(leasedByChild).toHaveLength(4);
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');

      const deliveries = new Map<string, number>();
      while (deliveries.size < sent.length) {
        const received = await queue.receive({ maxMessages: 10, leaseMs: 10_000, waitMs: 5_000 });
        if (received.length === 0) break;
        for (const m of received) {
          deliveries.set(m.messageId, m.deliveryCount);
          await queue.complete(m);
        }
      }
      expect([...deliveries.keys()].sort()).toEqual(sent.map((m) => m.messageId).sort());
      for (const [id, count] of deliveries)
        expect([id, count]).toEqual([id, leasedByChild.includes(id) ? 2 : 1]);
      await expect(queue.stats()).resolves.toEqual({ ready: 0, scheduled: 0, inFlight: 0, deadLettered: 0 });
    });
  });
}
