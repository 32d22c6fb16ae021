/**
 * The SQLite send thread (src/queue/embedded/sqlite-send-thread.ts) keeps the port's send semantics: the same
 * sends give the same results and the same rows as the store-connection path (send.ts; both run send-plan.ts, and the
 * last case here pins that they agree on SQLite and PostgreSQL alike), it fails a send
 * it could not store instead of acknowledging it, and it ends cleanly. The other queue suites reach it too, but
 * only once it is ready; here it is used directly.
 */
import { sql } from 'kysely';
import { createEmbeddedQueue } from '../../src/queue/embedded/adapter';
import { SEND_GRACE_MS, startSendThread, type SendThread } from '../../src/queue/embedded/sqlite-send-thread';
import type { OutgoingMessage, Queue, SendResult } from '../../src/queue/queue';
import { inTransaction, letSendsWriteFirst } from '../../src/store/transaction';
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

/** Every column a send writes or a lease changes, as plain numbers (PostgreSQL returns bigints as strings). */
async function stateOf(testDb: TestDatabase): Promise<unknown[]> {
  const rows = await testDb.database.db
    .selectFrom('queue_messages')
    .select([
      'seq',
      'message_id',
      'ordering_key',
      'body',
      'coalescing',
      'coalesced_count',
      'visible_at',
      'delivery_count',
    ])
    .select((eb) => eb('lease_expires_at', 'is not', null).as('leased'))
    .orderBy('seq')
    .execute();
  const now = Date.now();
  return rows.map((row) => ({
    ...row,
    seq: Number(row.seq),
    coalescing: Number(row.coalescing),
    leased: Boolean(row.leased),
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

  // Sends posted while the thread is busy are committed together, each in a savepoint of its own.
  it('stores the sends posted together but the one it could not store, each answered on its own and in order', async () => {
    await sql`CREATE TRIGGER refuse_poison BEFORE INSERT ON queue_messages WHEN NEW.message_id = 'poison'
      BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`.execute(threadDb.database.db);
    const sends = [
      thread.send([message('a1', 'user-a')]),
      thread.send([message('b1', 'user-b'), message('poison', 'user-p')]),
      thread.send([message('c1', 'user-c')]),
      thread.send([message('a2', 'user-a')]),
    ];
    const results = await Promise.allSettled(sends);
    expect(results.map((result) => result.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/refused by the test/);
    const rows = (await rowsOf(threadDb)) as Array<{ message_id: string }>;
    // b1 went with its poisoned send; the others kept their send order (seq).
    expect(rows.map((row) => row.message_id)).toEqual(['a1', 'c1', 'a2']);
    expect(thread.answered()).toBeNull();
  });

  it('answers sends posted before close, then refuses new ones', async () => {
    const sent = thread.send([message('m1', 'user-1')]);
    const closed = thread.close();
    await expect(sent).resolves.toMatchObject({ accepted: 1 });
    await closed;
    expect(thread.alive).toBe(false);
    await expect(thread.send([message('m2', 'user-1')])).rejects.toThrow(/has ended/);
  });

  it('agrees with the store connection on SQLite and PostgreSQL over leases, merge targets and calls of many keys', async () => {
    const pgDb = await createTestDatabase('postgres');
    const pgQueue = createEmbeddedQueue(pgDb.database, { maxDeliveries: 3, sendThread: false });
    try {
      const soon = new Date(Date.now() + 60_000);
      const later = new Date(Date.now() + 120_000);
      const manyKeys = Array.from({ length: 700 }, (_, index) => `user-many-${index}`);
      const calls: OutgoingMessage[][] = [
        [
          // A plain message is no merge target: the coalescing one after it is a new row, and the next merges.
          message('k1', 'user-k'),
          message('k2', 'user-k', { coalesce: true }),
          message('k3', 'user-k', { coalesce: true, notBefore: later }),
          // A merged id sent again in the same call merges again (only stored ids are duplicates).
          message('k3', 'user-k', { coalesce: true }),
          // A scheduled target: an immediate send merged into it makes it visible now.
          message('s1', 'user-s', { coalesce: true, notBefore: later }),
          message('s2', 'user-s', { coalesce: true }),
          // An immediate target keeps its time when a scheduled send merges into it.
          message('t1', 'user-t', { coalesce: true }),
          message('t2', 'user-t', { coalesce: true, notBefore: soon }),
          message('l1', 'user-l', { coalesce: true }),
          message('l2', 'user-l'),
        ],
        // Many keys in one call: more than one statement's worth (500) of keys, rows and, below, merges.
        manyKeys.map((key) => message(`${key}-1`, key, { coalesce: true })),
        [
          ...manyKeys.map((key) => message(`${key}-2`, key, { coalesce: true, notBefore: soon })),
          ...manyKeys.slice(0, 550).map((key) => message(`${key}-1`, key)),
        ],
      ];
      const queues = [threadQueue, storeQueue, pgQueue];
      const databases = [threadDb, storeDb, pgDb];
      const results: SendResult[][] = [[], [], []];
      const send = async (call: OutgoingMessage[]): Promise<void> => {
        results[0]!.push(await thread.send(call));
        results[1]!.push(await storeQueue.send(call));
        results[2]!.push(await pgQueue.send(call));
      };
      for (const call of calls) await send(call);
      // Lease the two oldest heads, k1 and s1 (now visible: s2 merged into it); sends for a leased key are kept, and a
      // coalescing one starts a new target behind the lease, which later sends merge into.
      const leasedIds = await Promise.all(
        queues.map(async (queue) =>
          (await queue.receive({ maxMessages: 2, leaseMs: 60_000 })).map((m) => m.messageId),
        ),
      );
      expect(leasedIds).toEqual([
        ['k1', 's1'],
        ['k1', 's1'],
        ['k1', 's1'],
      ]);
      await send([
        message('k1', 'user-k'),
        message('s1', 'user-s', { coalesce: true }),
        message('s3', 'user-s', { coalesce: true }),
        message('l2', 'user-l'),
        message('k2', 'user-k', { coalesce: true }),
        message('t3', 'user-t', { coalesce: true }),
      ]);

      expect(results[1]).toEqual(results[0]);
      expect(results[2]).toEqual(results[0]);
      expect(results[0]![0]).toEqual({ accepted: 6, coalesced: 4, duplicates: 0 });
      expect(results[0]![2]).toEqual({ accepted: 0, coalesced: 700, duplicates: 550 });
      // k1 (leased) is kept; s1 is a new target behind its lease, s3 merges into it, t3 into t1; l2 and k2 still wait.
      expect(results[0]![3]).toEqual({ accepted: 2, coalesced: 2, duplicates: 2 });
      const [threadRows, storeRows, pgRows] = await Promise.all(databases.map(stateOf));
      expect(storeRows).toEqual(threadRows);
      expect(pgRows).toEqual(threadRows);
    } finally {
      await pgQueue.close();
      await pgDb.drop();
    }
  });
});

// Issue 19 item 6: SQLite gives its write lock to whoever asks when it is free. The store connection's
// transactions wait for a send posted to the thread once it has waited SEND_GRACE_MS (transaction.ts
// letSendsWriteFirst), so a send waits for the grace and the one transaction running then, not for a gap in a
// worker's stream of them (up to 340 ms in the neighbour bench).
describe('the SQLite send thread beside a stream of store transactions', () => {
  let testDb: TestDatabase;
  let thread: SendThread;
  beforeEach(async () => {
    testDb = await createTestDatabase('sqlite');
    thread = await startSendThread({ filename: await fileOf(testDb), busyTimeoutMs: 5000 });
    await sql`CREATE TABLE stream_writes (n INTEGER NOT NULL)`.execute(testDb.database.db);
  });
  afterEach(async () => {
    await thread.close();
    await testDb.drop();
  });

  it("is answered before the store connection's next transaction starts", async () => {
    const stop = letSendsWriteFirst(testDb.database, () => thread.answered());
    let committed = 0;
    let running = true;
    // When each of the stream's transactions began (it has the lock from then until it commits).
    const began: number[] = [];
    const stream = (async () => {
      while (running) {
        await inTransaction(testDb.database, async (trx) => {
          began.push(performance.now());
          await sql`INSERT INTO stream_writes (n) VALUES (${committed})`.execute(trx);
        });
        committed += 1;
      }
    })();
    try {
      while (committed < 20) await new Promise((resolve) => setTimeout(resolve, 1));
      const posted = performance.now();
      await expect(thread.send([message('m1', 'user-1')])).resolves.toEqual({
        accepted: 1,
        coalesced: 0,
        duplicates: 0,
      });
      const answered = performance.now();
      // Past the grace, only the transaction running then and perhaps the one its answer raced with.
      const afterGrace = began.filter((at) => at > posted + SEND_GRACE_MS && at < answered);
      expect(afterGrace.length).toBeLessThanOrEqual(2);
    } finally {
      running = false;
      await stream;
      stop();
    }
    expect(thread.answered()).toBeNull();
  });
});
