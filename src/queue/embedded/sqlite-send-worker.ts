/**
 * The SQLite send thread's body (a worker thread; started by sqlite-send-thread.ts). It owns a second connection to
 * the store's file and commits the queue's sends there, so the commit's fsync (synchronous=FULL: a send resolves
 * only once it is on disk) blocks this thread, not the event loop that reads the next requests. While one batch
 * is being flushed, ingest keeps gathering the next one, and the load's clients stop splitting into halves that
 * take turns at the disk.
 *
 * What each message becomes (duplicate, merged, new row) is decided by send-plan.ts, the one definition the
 * store-connection path (send.ts) runs too; this file reads the sent keys' waiting messages and writes the plan with
 * statements prepared once, inside one IMMEDIATE transaction. One key or row costs a few microseconds of SQLite work.
 *
 * Self-contained on purpose (node, better-sqlite3 and the pure send-plan.ts only, types aside): when running from
 * source the thread loads these files through a minimal TypeScript hook.
 */
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import type { SendResult } from '../queue';
import { planSend, type WaitingMessage } from './send-plan';
import type { SendThreadData, SendThreadReply, SendThreadRequest, WireMessage } from './sqlite-send-protocol';

const port = parentPort;
if (port === null) throw new Error('sqlite-send-worker runs as a worker thread (see sqlite-send-thread.ts)');
const data = workerData as SendThreadData;

const db = new BetterSqlite3(data.filename);
db.pragma(`busy_timeout = ${Math.trunc(data.busyTimeoutMs)}`);
// Per connection, like the store's own: a commit here is on disk before the send resolves. WAL is the file's mode,
// set by the store when it opened it.
db.pragma('synchronous = FULL');

/** Waiting = not leased (message-state.ts): a leased row may already have been read from Graph. */
const WAITING = '(lease_expires_at IS NULL OR lease_expires_at <= @now)';
/** The key's waiting messages, oldest first (send-plan.ts asks them whether a send is a duplicate or merges). */
const waitingOfKey = db.prepare<
  { key: string; now: number },
  { seq: number; message_id: string; coalescing: number; visible_at: number }
>(
  `SELECT seq, message_id, coalescing, visible_at FROM queue_messages
   WHERE ordering_key = @key AND ${WAITING} ORDER BY seq`,
);
const merge = db.prepare<{ seq: number; count: number; visibleAt: number }>(
  'UPDATE queue_messages SET coalesced_count = coalesced_count + @count, visible_at = @visibleAt WHERE seq = @seq',
);
const insert = db.prepare<{
  id: string;
  key: string;
  body: string;
  coalescing: number;
  coalescedCount: number;
  now: number;
  visibleAt: number;
  tenantId: string;
}>(
  `INSERT INTO queue_messages (message_id, ordering_key, body, coalescing, coalesced_count, enqueued_at, visible_at,
     delivery_count, lease_token, lease_expires_at, tenant_id)
   VALUES (@id, @key, @body, @coalescing, @coalescedCount, @now, @visibleAt, 0, NULL, NULL, @tenantId)`,
);

const sendAll = db.transaction((messages: WireMessage[]): SendResult => {
  // Read under the write lock, so leases are judged as of this commit, not as of when the batch was posted.
  const now = Date.now();
  const waiting: WaitingMessage[] = [];
  for (const key of new Set(messages.map((message) => message.orderingKey))) {
    for (const row of waitingOfKey.all({ key, now })) {
      waiting.push({
        seq: row.seq,
        orderingKey: key,
        messageId: row.message_id,
        coalescing: row.coalescing === 1,
        visibleAt: row.visible_at,
      });
    }
  }
  const planned = messages.map((message) => ({ ...message, visibleAt: message.notBefore ?? now }));
  const { result, merges, newRows } = planSend(planned, waiting);
  for (const target of merges) merge.run(target);
  // Rows go in in send order, so seq (per-key FIFO) follows it.
  for (const row of newRows) {
    insert.run({
      id: row.message.messageId,
      key: row.message.orderingKey,
      body: row.message.body,
      coalescing: row.message.coalesce ? 1 : 0,
      coalescedCount: row.coalescedCount,
      now,
      visibleAt: row.visibleAt,
      tenantId: row.message.tenantId,
    });
  }
  return result;
});

port.on('message', (request: SendThreadRequest) => {
  if (request.type === 'close') {
    db.close();
    port.close();
    return;
  }
  let reply: SendThreadReply;
  try {
    // IMMEDIATE: take the write lock first (a deferred read-then-write fails at once with SQLITE_BUSY when the
    // store's connection committed in between); it waits on busy_timeout instead.
    reply = { id: request.id, ok: true, result: sendAll.immediate(request.messages) };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    reply = {
      id: request.id,
      ok: false,
      message: error instanceof Error ? error.message : String(error),
      code: typeof code === 'string' ? code : null,
    };
  }
  port.postMessage(reply);
});

const ready: SendThreadReply = { type: 'ready' };
port.postMessage(ready);
