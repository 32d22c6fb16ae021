/**
 * The SQLite send thread's body (a worker thread; started by sqlite-send-thread.ts). It owns a second connection to
 * the store's file and commits the queue's sends there, so the commit's fsync (synchronous=FULL: a send resolves
 * only once it is on disk) blocks this thread, not the event loop that reads the next requests. While one batch
 * is being flushed, ingest keeps gathering the next one, and the load's clients stop splitting into halves that
 * take turns at the disk.
 *
 * Semantics are those of send.ts (the port's duplicates and coalescing), message by message in send
 * order, inside one IMMEDIATE transaction: each statement sees the rows the earlier messages of the same call wrote,
 * so "a duplicate of a row new in this call" and "merge into a target new in this call" need no bookkeeping here.
 * The statements are prepared once; one message costs a few microseconds of SQLite work.
 *
 * Self-contained on purpose (node and better-sqlite3 only, types aside): when running from source the thread loads
 * this file through a minimal TypeScript hook.
 */
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import type { SendResult } from '../queue';
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
/**
 * The key's waiting messages, oldest first: one read on the key index answers both questions a send asks (is its id
 * already waiting under this key: a duplicate, migration 003; which waiting message would it merge into). A key holds
 * a handful of waiting messages at most.
 */
const waitingOfKey = db.prepare<
  { key: string; now: number },
  { seq: number; message_id: string; coalescing: number }
>(
  `SELECT seq, message_id, coalescing FROM queue_messages WHERE ordering_key = @key AND ${WAITING} ORDER BY seq`,
);
// The merged message becomes visible at the earlier of the two times: an immediate change must not wait behind a
// scheduled or backed-off read.
const merge = db.prepare<{ seq: number; visibleAt: number }>(
  'UPDATE queue_messages SET coalesced_count = coalesced_count + 1, visible_at = MIN(visible_at, @visibleAt) WHERE seq = @seq',
);
const insert = db.prepare<{
  id: string;
  key: string;
  body: string;
  coalescing: number;
  now: number;
  visibleAt: number;
}>(
  `INSERT INTO queue_messages (message_id, ordering_key, body, coalescing, coalesced_count, enqueued_at, visible_at,
     delivery_count, lease_token, lease_expires_at)
   VALUES (@id, @key, @body, @coalescing, 1, @now, @visibleAt, 0, NULL, NULL)`,
);

const sendAll = db.transaction((messages: WireMessage[]): SendResult => {
  // Read under the write lock, so leases are judged as of this commit, not as of when the batch was posted.
  const now = Date.now();
  const result: SendResult = { accepted: 0, coalesced: 0, duplicates: 0 };
  for (const message of messages) {
    const visibleAt = message.notBefore ?? now;
    const waiting = waitingOfKey.all({ key: message.orderingKey, now });
    if (waiting.some((row) => row.message_id === message.messageId)) {
      result.duplicates += 1;
      continue;
    }
    if (message.coalesce) {
      const target = waiting.find((row) => row.coalescing === 1);
      if (target !== undefined) {
        merge.run({ seq: target.seq, visibleAt });
        result.coalesced += 1;
        continue;
      }
    }
    // Rows go in in send order, so seq (per-key FIFO) follows it.
    insert.run({
      id: message.messageId,
      key: message.orderingKey,
      body: message.body,
      coalescing: message.coalesce ? 1 : 0,
      now,
      visibleAt,
    });
    result.accepted += 1;
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
