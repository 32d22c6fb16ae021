/**
 * The queue port's coalescing and duplicate rules (src/queue/queue.ts), on the embedded adapter over both
 * engines, one call at a time and in ingest-sized batches (one send call = one group commit).
 */
import { createEmbeddedQueue } from '../../src/queue/embedded/adapter';
import type { OutgoingMessage, Queue } from '../../src/queue/queue';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases';
import { message } from './queue-fixtures';

describe.each(ENGINES)('embedded queue on %s: coalescing and duplicates', (engine) => {
  let testDb: TestDatabase;
  let queue: Queue;

  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
  });
  afterAll(async () => {
    await testDb.drop();
  });
  beforeEach(async () => {
    await testDb.database.db.deleteFrom('queue_messages').execute();
    queue = createEmbeddedQueue(testDb.database, { maxDeliveries: 3, pollIntervalMs: 20 });
  });
  afterEach(async () => {
    await queue.close();
  });

  it('merges coalescing sends into a waiting message and keeps one sent while the key is leased', async () => {
    const coalescing = (id: string): OutgoingMessage => message(id, 'user-1', { coalesce: true });
    await expect(queue.send([coalescing('n1'), coalescing('n2')])).resolves.toEqual({
      accepted: 1,
      coalesced: 1,
      duplicates: 0,
    });
    await expect(queue.send([coalescing('n3')])).resolves.toEqual({
      accepted: 0,
      coalesced: 1,
      duplicates: 0,
    });
    const [leased] = await queue.receive({ maxMessages: 10, leaseMs: 10_000 });
    expect(leased).toMatchObject({ messageId: 'n1', coalescedCount: 3 });

    // A change after the worker's read must cause another read: kept, not merged into the leased one.
    await expect(queue.send([coalescing('n4')])).resolves.toEqual({
      accepted: 1,
      coalesced: 0,
      duplicates: 0,
    });
    await expect(queue.receive({ maxMessages: 10, leaseMs: 10_000 })).resolves.toEqual([]);
    await queue.complete(leased!);
    const [later] = await queue.receive({ maxMessages: 10, leaseMs: 10_000 });
    expect(later).toMatchObject({ messageId: 'n4', coalescedCount: 1 });
  });

  it('does not merge a non-coalescing send, nor into a non-coalescing message', async () => {
    await queue.send([message('plain', 'user-1')]);
    await expect(queue.send([message('c1', 'user-1', { coalesce: true })])).resolves.toEqual({
      accepted: 1,
      coalesced: 0,
      duplicates: 0,
    });
    await expect(queue.send([message('plain-2', 'user-1')])).resolves.toMatchObject({ accepted: 1 });
    expect((await queue.stats()).ready).toBe(3);
  });

  it('stores a message id once while it waits, and accepts it again once leased or completed', async () => {
    await expect(queue.send([message('same', 'k1'), message('same', 'k1')])).resolves.toEqual({
      accepted: 1,
      coalesced: 0,
      duplicates: 1,
    });
    await expect(queue.send([message('same', 'k1')])).resolves.toEqual({
      accepted: 0,
      coalesced: 0,
      duplicates: 1,
    });
    const [leased] = await queue.receive({ maxMessages: 1, leaseMs: 10_000 });
    await expect(queue.send([message('same', 'k1')])).resolves.toEqual({
      accepted: 1,
      coalesced: 0,
      duplicates: 0,
    });
    await queue.complete(leased!);
    const [again] = await queue.receive({ maxMessages: 1, leaseMs: 10_000 });
    expect(again).toMatchObject({ messageId: 'same', deliveryCount: 1 });
    await queue.complete(again!);
    await expect(queue.send([message('same', 'k1')])).resolves.toMatchObject({ accepted: 1 });
  });

  it('finds duplicates within an ordering key: the same id under another key is another message', async () => {
    await expect(queue.send([message('same', 'user-1'), message('same', 'user-2')])).resolves.toEqual({
      accepted: 2,
      coalesced: 0,
      duplicates: 0,
    });
    await expect(queue.send([message('same', 'user-2'), message('same', 'user-3')])).resolves.toEqual({
      accepted: 1,
      coalesced: 0,
      duplicates: 1,
    });
    const leased = await queue.receive({ maxMessages: 10, leaseMs: 60_000 });
    expect(leased.map((m) => `${m.orderingKey}/${m.messageId}`).sort()).toEqual([
      'user-1/same',
      'user-2/same',
      'user-3/same',
    ]);
  });

  it('applies the same rules inside one batch of 1,000 notifications as across calls', async () => {
    const batch: OutgoingMessage[] = [];
    for (let i = 0; i < 1000; i += 1) {
      const key = `tenant/user-${i % 100}`;
      // Every tenth notification is a Graph retry of the user's first one (same id, still waiting).
      const id = i >= 100 && i % 10 === 0 ? `n-${i % 100}` : `n-${i}`;
      batch.push(message(id, key, { coalesce: true }));
    }
    const result = await queue.send(batch);
    expect(result).toEqual({ accepted: 100, coalesced: 810, duplicates: 90 });
    const leased = await queue.receive({ maxMessages: 200, leaseMs: 10_000 });
    expect(leased).toHaveLength(100);
    const total = leased.reduce((sum, m) => sum + m.coalescedCount, 0);
    expect(total).toBe(910);
    expect(new Set(leased.map((m) => m.orderingKey)).size).toBe(100);
  });

  it('makes a scheduled coalescing message visible now when an immediate send merges into it', async () => {
    await queue.send([
      message('later', 'user-1', { coalesce: true, notBefore: new Date(Date.now() + 60_000) }),
    ]);
    await expect(queue.receive({ maxMessages: 1, leaseMs: 10_000 })).resolves.toEqual([]);
    await expect(queue.send([message('now', 'user-1', { coalesce: true })])).resolves.toMatchObject({
      coalesced: 1,
    });
    const [leased] = await queue.receive({ maxMessages: 1, leaseMs: 10_000 });
    expect(leased).toMatchObject({ messageId: 'later', coalescedCount: 2 });
  });
});
