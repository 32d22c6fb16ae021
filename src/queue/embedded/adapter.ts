/**
 * The embedded queue: a table in the store's own database (SQLite by default, PostgreSQL for replicas), so one
 * process needs no broker and a restart loses nothing. Every semantic of the port (queue.ts) is honoured; the
 * pieces live beside this file, named as in service-bus/: send (duplicates, coalescing), receive (per-key ordering,
 * max deliveries), settle (lease tokens) with settle-batcher (group commit of settles), dead-letters, stats, and
 * stored-message (rows to port data). On a SQLite file, sends are committed on a worker thread (sqlite-send-thread.ts) so the fsync does not stall the event
 * loop ingest reads requests on.
 *
 * Time is this process's clock (epoch ms). Replicas on PostgreSQL are assumed to agree to well under a lease.
 * The queue does not own the database: `close` stops the queue's work, the caller closes the database after.
 */
import { sql } from 'kysely';
import type { Database } from '../../store/database';
import { inTransaction, letSendsWriteFirst } from '../../store/transaction';
import { checkMaxDeliveries } from '../max-deliveries';
import type { LeasedMessage, OutgoingMessage, Queue, ReceiveOptions, SendResult } from '../queue';
import { listDeadLetters, retryDeadLetter } from './dead-letters';
import { leaseMessages } from './receive';
import { sendMessages } from './send';
import { startSendThread, type SendThread } from './sqlite-send-thread';
import { abandonMessage, deadLetterMessage, renewMessageLease } from './settle';
import { createSettleBatcher } from './settle-batcher';
import { readStats } from './stats';
import { createWakeSignal } from './wake-signal';

export interface EmbeddedQueueOptions {
  /** A message delivered this many times without being completed goes to the dead letters (config default 10). */
  maxDeliveries: number;
  /** How often a waiting `receive` looks for messages sent by other processes (default 50 ms). */
  pollIntervalMs?: number;
  /**
   * SQLite file only: commit sends on a worker thread with its own connection (default true). Off, or on
   * PostgreSQL (whose driver never blocks the event loop) or an in-memory SQLite database, sends run on the
   * store's connection.
   */
  sendThread?: boolean;
}

export function createEmbeddedQueue(database: Database, options: EmbeddedQueueOptions): Queue {
  checkMaxDeliveries(options.maxDeliveries);
  const pollIntervalMs = options.pollIntervalMs ?? 50;
  const db = database.db;
  const wake = createWakeSignal();
  const settles = createSettleBatcher(database);
  const pending = new Set<Promise<unknown>>();
  let closed = false;
  /**
   * Started at once, in the background: sends run on the store's connection until the thread is ready (it needs
   * the file name, which only an async query tells, and a thread takes a moment to start) and after it has ended.
   */
  let sendThread: SendThread | null = null;
  let stopLettingSendsFirst = (): void => undefined;
  const sendThreadStarting = startSendThreadIfUseful().then(
    (thread) => {
      sendThread = thread;
      if (thread !== null) stopLettingSendsFirst = letSendsWriteFirst(database, () => thread.answered());
      return thread;
    },
    () => null,
  );

  async function startSendThreadIfUseful(): Promise<SendThread | null> {
    if (database.engine !== 'sqlite' || options.sendThread === false) return null;
    const files = await sql<{ name: string; file: string }>`PRAGMA database_list`.execute(db);
    const filename = files.rows.find((row) => row.name === 'main')?.file ?? '';
    // '' is an in-memory or temporary database: no other connection can see it.
    if (filename === '' || closed) return null;
    const timeout = await sql<{ timeout: number }>`PRAGMA busy_timeout`.execute(db);
    return startSendThread({ filename, busyTimeoutMs: timeout.rows[0]?.timeout ?? 5000 });
  }

  async function sendNow(messages: readonly OutgoingMessage[]): Promise<SendResult> {
    if (sendThread?.alive === true) return sendThread.send(messages);
    return inTransaction(database, (trx) => sendMessages(trx, database, messages, Date.now()));
  }

  /** Runs one operation, refusing new ones after close and letting close wait for those in progress. */
  function track<T>(operation: () => Promise<T>): Promise<T> {
    if (closed) return Promise.reject(new Error('the embedded queue is closed'));
    const running = operation();
    pending.add(running);
    const forget = (): void => {
      pending.delete(running);
    };
    running.then(forget, forget);
    return running;
  }

  async function receiveOnce(request: ReceiveOptions): Promise<LeasedMessage[]> {
    return inTransaction(database, (trx) =>
      leaseMessages(trx, database, {
        maxMessages: request.maxMessages,
        leaseMs: request.leaseMs,
        maxDeliveries: options.maxDeliveries,
        now: Date.now(),
        exceptTenants: new Set(request.exceptTenants ?? []),
      }),
    );
  }

  return {
    filtersByTenant: true,
    async send(messages: readonly OutgoingMessage[]): Promise<SendResult> {
      if (messages.length === 0) return { accepted: 0, coalesced: 0, duplicates: 0 };
      const result = await track(() => sendNow(messages));
      if (result.accepted + result.coalesced > 0) wake.wakeAll();
      return result;
    },

    async receive(request: ReceiveOptions): Promise<LeasedMessage[]> {
      if (closed) return [];
      const deadline = Date.now() + (request.waitMs ?? 0);
      for (;;) {
        const messages = await track(() => receiveOnce(request));
        if (messages.length > 0 || closed) return messages;
        const left = deadline - Date.now();
        if (left <= 0) return [];
        await wake.sleep(Math.min(left, pollIntervalMs));
        if (closed) return [];
      }
    },

    complete: (message) => track(() => settles.complete(message)),

    abandon: (message, abandonOptions) =>
      track(async () => {
        await settles.run((trx) => abandonMessage(trx, message, abandonOptions?.delayMs ?? 0, Date.now()));
        wake.wakeAll();
      }),

    deadLetter: (message, reason, description) =>
      track(() =>
        settles.run((trx) =>
          deadLetterMessage(trx, message, { reason, description: description ?? null }, Date.now()),
        ),
      ),

    renewLease: (message, leaseMs) =>
      track(() => settles.run((trx) => renewMessageLease(trx, message, leaseMs, Date.now()))),

    listDeadLetters: (listOptions) => track(() => listDeadLetters(db, listOptions?.limit ?? 100)),

    retryDeadLetter: (id) =>
      track(async () => {
        await inTransaction(database, (trx) => retryDeadLetter(trx, database, id, Date.now()));
        wake.wakeAll();
      }),

    stats: (statsOptions) => track(() => readStats(db, statsOptions, Date.now())),

    ping: () =>
      track(async () => {
        await db.selectFrom('queue_messages').select('seq').limit(1).execute();
      }),

    async close(): Promise<void> {
      closed = true;
      wake.wakeAll();
      await Promise.allSettled([...pending]);
      await (await sendThreadStarting)?.close();
      stopLettingSendsFirst();
    },
  };
}
