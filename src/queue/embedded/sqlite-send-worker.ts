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
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import type { SendResult } from '../queue';
import { planSend, type WaitingMessage } from './send-plan';
import type {
  SendThreadReply,
  SendThreadRequest,
  SendThreadWorkerData,
  WireMessage,
} from './sqlite-send-protocol';

const port = parentPort;
if (port === null) throw new Error('sqlite-send-worker runs as a worker thread (see sqlite-send-thread.ts)');
const data = workerData as SendThreadWorkerData;
/** Raised while this thread holds the write lock: no store transaction goes ahead of a send then (answered). */
const holdingLock = new Int32Array(data.holdingLock);
type Send = Extract<SendThreadRequest, { type: 'send' }>;

const db = new BetterSqlite3(data.filename);
// No busy handler: SQLite's backs off 1, 2, 5 … 100 ms between tries, and a send that has to wait for the store's
// connection should take the write lock as soon as it is free, not at the next backoff (sendWhenFree).
db.pragma('busy_timeout = 0');
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

/** A send that was not stored, with SQLite's error code when it has one. */
function failed(request: Send, error: unknown): SendThreadReply {
  const code = (error as { code?: unknown }).code;
  return {
    id: request.id,
    ok: false,
    message: error instanceof Error ? error.message : String(error),
    code: typeof code === 'string' ? code : null,
  };
}

/** One send's answer, its failure (rolled back to its savepoint) included: the others of its commit still count. */
function answer(request: Send): SendThreadReply {
  try {
    return { id: request.id, ok: true, result: sendAll(request.messages) };
  } catch (error) {
    return failed(request, error);
  }
}

/**
 * The sends waiting on the port, in one commit: each `sendAll` nested inside is a savepoint. During a flood (a
 * 20,000-user storm's 400 POSTs) a commit per send was 400 fsyncs one after another, and a quiet tenant's
 * notification posted behind them waited for all of them.
 */
const sendGroup = db.transaction((requests: Send[]) => {
  // Here the write lock is ours (BEGIN IMMEDIATE succeeded); sendWhenFree lowers the flag after the COMMIT.
  Atomics.store(holdingLock, 0, 1);
  return requests.map(answer);
});

/** Sleeping between tries blocks only this thread. */
const pause = new Int32Array(new SharedArrayBuffer(4));
const RETRY_MS = 0.5;

/**
 * The group's transaction, tried again every half millisecond while another connection holds the write lock, for
 * as long as the store's own connection would wait (busy_timeout). The store's transactions wait for the oldest
 * send's answer before taking the lock again once it has waited SEND_GRACE_MS (transaction.ts letSendsWriteFirst,
 * sqlite-send-thread.ts), so the lock comes free within that and one of them; other processes (the CLI, a second
 * replica) are waited for the same way. IMMEDIATE: the write lock first (a deferred read-then-write fails at once
 * with SQLITE_BUSY when the store's connection committed in between).
 */
function sendWhenFree(requests: Send[]): SendThreadReply[] {
  const deadline = Date.now() + data.busyTimeoutMs;
  for (;;) {
    try {
      return sendGroup.immediate(requests);
    } catch (error) {
      if ((error as { code?: unknown }).code === 'SQLITE_BUSY' && Date.now() < deadline) {
        Atomics.wait(pause, 0, 0, RETRY_MS);
        continue;
      }
      return requests.map((request) => failed(request, error));
    } finally {
      // COMMIT or ROLLBACK is done: the lock is no longer ours.
      Atomics.store(holdingLock, 0, 0);
    }
  }
}

/**
 * The waiting sends dealt round the tenants (each tenant's in posting order): a quiet tenant's notification posted
 * behind a storm's 400 POSTs goes in the first commit, not the last. Per-key order holds, as a key is one tenant's;
 * a send that mixes tenants keeps everyone in posting order.
 */
function fairOrder(sends: Send[]): Send[] {
  const tenantOf = (send: Send): string | null => {
    const tenants = new Set(send.messages.map((message) => message.tenantId));
    return tenants.size === 1 ? [...tenants][0]! : null;
  };
  const tenants = sends.map(tenantOf);
  if (tenants.includes(null)) return sends;
  const rounds = new Map<string, number>();
  return sends
    .map((send, index) => {
      const tenantId = tenants[index]!;
      const round = rounds.get(tenantId) ?? 0;
      rounds.set(tenantId, round + 1);
      return { send, round, index };
    })
    .sort((a, b) => a.round - b.round || a.index - b.index)
    .map(({ send }) => send);
}

/** Messages per commit, at most (a single larger send goes alone): a send arriving meanwhile waits for one of them. */
const MESSAGES_PER_COMMIT = 1_000;

function commitGroups(sends: Send[]): Send[][] {
  const groups: Send[][] = [];
  let size = Infinity;
  for (const send of sends) {
    if (size + send.messages.length > MESSAGES_PER_COMMIT) {
      groups.push([]);
      size = 0;
    }
    groups.at(-1)!.push(send);
    size += send.messages.length;
  }
  return groups;
}

port.on('message', (first: SendThreadRequest) => {
  // Everything posted meanwhile, in order: the sends go into one commit, a close ends the thread after them.
  const requests = [first];
  for (let next = receiveMessageOnPort(port); next !== undefined; next = receiveMessageOnPort(port))
    requests.push(next.message as SendThreadRequest);
  const closeAt = requests.findIndex((request) => request.type === 'close');
  const sends = (closeAt === -1 ? requests : requests.slice(0, closeAt)).filter(
    (request): request is Send => request.type === 'send',
  );
  for (const group of commitGroups(fairOrder(sends)))
    for (const reply of sendWhenFree(group)) port.postMessage(reply);
  if (closeAt !== -1) {
    db.close();
    port.close();
  }
});

const ready: SendThreadReply = { type: 'ready' };
port.postMessage(ready);
