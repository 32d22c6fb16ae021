/**
 * The SQLite send thread (src/queue/embedded/sqlite-send-thread.ts) keeps the port's send semantics: the same
 * sends give the same results and the same rows as the store-connection path (send.ts), it fails a send
 * it could not store instead of acknowledging it, and it ends cleanly. The other queue suites reach it too, but
 * only once it is ready; here it is used directly.
 */
import { sql } from 'kysely';
import { createEmbeddedQueue } from '../../src/queue/embedded/adapter';
import { startSendThread, type SendThread } from '../../src/queue/embedded/sqlite-send-thread';
import type { OutgoingMessage, Queue, SendResult } from '../../src/queue/queue';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { message } from './queue-fixtures';

async function fileOf(testDb: TestDatabase): Promise<string> {
  const list = await sql<{ name: string; file: string }>`PRAGMA database_list`.execute(testDb.database.db);
  return list.rows.find((row) => row.name === 'main')!.file;
}

/** The rows, with "visible now" in place of a send time (the two databases' sends ran milliseconds apart). */
async function rowsOf(testDb: TestDatabase): Promise<unknown[]> {
  const rows = await testDb.database.db
    .selectFrom('queue_messages')
    .select(['seq', 'message_id', 'ordering_key', 'body', 'coalescing', 'coalesced_count', 'visible_at'])
    .orderBy('seq')
    .execute();
  const now = Date.now();
  return rows.map((row) => ({
    ...row,
    visible_at: Number(row.visible_at) <= now ? 'now' : Number(row.visible_at),
  }));
}

describe('the SQLite send thread', () => {
  let threadDb: TestDatabase;
  let storeDb: TestDatabase;
  let thread: SendThread;
  /** Reads and leases on the thread's file; its own sends would go through the store connection. */
  let threadQueue: Queue;
  let storeQueue: Queue;

  beforeEach(async () => {
    [threadDb, storeDb] = await Promise.all([createTestDatabase('sqlite'), createTestDatabase('sqlite')]);
    thread = await startSendThread({ filename: await fileOf(threadDb), busyTimeoutMs: 5000 });
    threadQueue = createEmbeddedQueue(threadDb.database, { maxDeliveries: 3, sendThread: false });
    storeQueue = createEmbeddedQueue(storeDb.database, { maxDeliveries: 3, sendThread: false });
  });
  afterEach(async () => {
    await thread.close();
    await Promise.all([threadQueue.close(), storeQueue.close()]);
    await Promise.all([threadDb.drop(), storeDb.drop()]);
  });

  it('gives the same results and rows as the store connection for duplicates, coalescing and schedules', async () => {
    const soon = new Date(Date.now() + 60_000);
    const later = new Date(Date.now() + 120_000);
    const calls: OutgoingMessage[][] = [
      [
        message('a1', 'user-a', { coalesce: true, notBefore: later }),
        message('a2', 'user-a', { coalesce: true, notBefore: soon }),
        message('a1', 'user-a', { coalesce: true }),
        message('p1', 'user-p'),
        message('p1', 'user-p'),
        message('p2', 'user-p'),
        // The same id under another key is another message (duplicates are per key).
        message('p1', 'user-q'),
        message('b1', 'user-b', { coalesce: true }),
      ],
      [
        message('a2', 'user-a', { coalesce: true }),
        message('b2', 'user-b'),
        message('b3', 'user-b', { coalesce: true }),
        message('p2', 'user-p'),
        message('p1', 'user-q'),
        message('c1', 'user-c', { notBefore: soon }),
      ],
    ];
    const threadResults: SendResult[] = [];
    const storeResults: SendResult[] = [];
    for (const call of calls) {
      threadResults.push(await thread.send(call));
      storeResults.push(await storeQueue.send(call));
    }
    expect(threadResults).toEqual(storeResults);
    expect(threadResults[0]).toEqual({ accepted: 5, coalesced: 1, duplicates: 2 });
    // Second call: p2 (user-p) and p1 (user-q, stored by the first call under that key) are the duplicates.
    expect(threadResults[1]?.duplicates).toBe(2);
    expect(await rowsOf(threadDb)).toEqual(await rowsOf(storeDb));
  });

  it('keeps a send for a leased key and merges again once the lease is given back', async () => {
    await thread.send([message('n1', 'user-1', { coalesce: true })]);
    const [leased] = await threadQueue.receive({ maxMessages: 1, leaseMs: 10_000 });
    expect(leased?.messageId).toBe('n1');
    await expect(thread.send([message('n1', 'user-1', { coalesce: true })])).resolves.toEqual({
      accepted: 1,
      coalesced: 0,
      duplicates: 0,
    });
    await expect(thread.send([message('n2', 'user-1', { coalesce: true })])).resolves.toEqual({
      accepted: 0,
      coalesced: 1,
      duplicates: 0,
    });
    await threadQueue.complete(leased!);
    const [next] = await threadQueue.receive({ maxMessages: 1, leaseMs: 10_000 });
    expect(next).toMatchObject({ messageId: 'n1', coalescedCount: 2, deliveryCount: 1 });
  });

  it('rejects a send it could not store, stores none of it, and takes the next one', async () => {
    await sql`CREATE TRIGGER refuse_poison BEFORE INSERT ON queue_messages WHEN NEW.message_id = 'poison'
      BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`.execute(threadDb.database.db);
    await expect(thread.send([message('fine', 'user-1'), message('poison', 'user-2')])).rejects.toThrow(
      /refused by the test/,
    );
    expect(await rowsOf(threadDb)).toEqual([]);
    await expect(thread.send([message('fine', 'user-1')])).resolves.toMatchObject({ accepted: 1 });
  });

  it('answers sends posted before close, then refuses new ones', async () => {
    const sent = thread.send([message('m1', 'user-1')]);
    const closed = thread.close();
    await expect(sent).resolves.toMatchObject({ accepted: 1 });
    await closed;
    expect(thread.alive).toBe(false);
    await expect(thread.send([message('m2', 'user-1')])).rejects.toThrow(/has ended/);
  });
});
