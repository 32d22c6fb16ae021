/**
 * The main thread's side of the SQLite send thread (sqlite-send-worker.ts): sends are committed on a worker
 * thread with its own connection to the store's file, because better-sqlite3 is synchronous and a commit with
 * synchronous=FULL waits for the disk. On the event loop that wait stalls every request; on a thread, ingest keeps
 * reading requests and gathering the next group commit while the disk works.
 *
 * One thread; the sends waiting on it are committed together, dealt round the tenants, each tenant's (and so each
 * key's) in posting order (the port's "send order" for seq). The thread is an
 * optimisation, never a requirement: until it is ready, and after it has ended, sends run on the store's
 * connection. A send posted to a thread that exits or fails is rejected (the caller, ingest, answers 503 and Graph
 * delivers again), never acknowledged. The thread holds the process open only while a send is pending, so a queue
 * that is never closed does not keep a process alive.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { OutgoingMessage, SendResult } from '../queue';
import { tenantOfMessage } from '../message-tenant';
import type {
  SendThreadData,
  SendThreadReply,
  SendThreadRequest,
  SendThreadWorkerData,
  WireMessage,
} from './sqlite-send-protocol';

export interface SendThread {
  /** False once the thread has ended (crashed or closed): send on the store's connection instead. */
  readonly alive: boolean;
  send(messages: readonly OutgoingMessage[]): Promise<SendResult>;
  /**
   * Resolves once the oldest send still waiting has its answer; null when the store may write now: none is waiting,
   * or the oldest was posted less than SEND_GRACE_MS ago and the thread is not holding the write lock. The store's
   * transactions wait for it before taking the write lock (transaction.ts letSendsWriteFirst), so a send is not
   * left retrying for the lock while the worker's transactions follow one another.
   */
  answered(): Promise<void> | null;
  /** Waits for pending sends' answers, then closes the thread's connection and ends it. */
  close(): Promise<void>;
}

interface PendingSend {
  resolve(result: SendResult): void;
  reject(error: Error): void;
  postedAt: number;
}

/**
 * How long a waiting send lets the store's transactions go ahead of it. Waiting for every send (none of grace) made
 * each of a quiet tenant's four or five transactions (lease, observation, alert, settle) wait out one of a storm's
 * commits: the noisy-neighbour bench measured B's change at 2–4× its idle latency during the storm's first second.
 * With the grace a send still gets the lock within it and one store transaction, as the thread tries again every
 * half millisecond; while the thread holds the lock nobody goes ahead (the store's connection would block the event
 * loop in SQLite's busy handler).
 */
export const SEND_GRACE_MS = 10;

/**
 * Built: dist/.../sqlite-send-worker.js runs as is. From source (ts-jest): the thread has no TypeScript loader, so
 * it is given one, the compiler the tests already run on, transpiling the self-contained worker file.
 */
const FROM_SOURCE_BOOTSTRAP = `
const fs = require('node:fs');
const { workerData } = require('node:worker_threads');
const ts = require(workerData.typescript);
require.extensions['.ts'] = (module, filename) => {
  const output = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  module._compile(output.outputText, filename);
};
require(workerData.entry);
`;

function startWorker(data: SendThreadWorkerData): Worker {
  const extension = path.extname(__filename);
  const entry = path.join(__dirname, `sqlite-send-worker${extension}`);
  if (extension === '.ts') {
    return new Worker(FROM_SOURCE_BOOTSTRAP, {
      eval: true,
      workerData: { ...data, entry, typescript: require.resolve('typescript') },
    });
  }
  return new Worker(entry, { workerData: data });
}

function toWire(message: OutgoingMessage): WireMessage {
  return {
    messageId: message.messageId,
    orderingKey: message.orderingKey,
    body: JSON.stringify(message.body),
    coalesce: message.coalesce === true,
    notBefore: message.notBefore?.getTime() ?? null,
    tenantId: tenantOfMessage(message.body, message.orderingKey),
  };
}

/**
 * Starts the thread; resolves once it has opened the file and prepared its statements, rejects when it cannot
 * (the caller then keeps sending on the store's connection).
 */
export function startSendThread(data: SendThreadData): Promise<SendThread> {
  const holdingLock = new SharedArrayBuffer(4);
  const threadHoldsLock = new Int32Array(holdingLock);
  const worker = startWorker({ ...data, holdingLock });
  // Held open only while a send is pending (see send).
  worker.unref();
  const pending = new Map<number, PendingSend>();
  let nextId = 1;
  let alive = true;
  // Who waits for the send `id` to be answered (answered()).
  let answerWaiters: Array<{ id: number; resolve: () => void }> = [];

  /** Resolves the waiters whose send has its answer (the thread may answer a quiet tenant's send first). */
  function releaseAnswered(): void {
    const still: typeof answerWaiters = [];
    for (const waiter of answerWaiters) {
      if (pending.has(waiter.id)) still.push(waiter);
      else waiter.resolve();
    }
    answerWaiters = still;
  }

  function failAll(error: Error): void {
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
    releaseAnswered();
  }

  const exited = new Promise<void>((resolve) => {
    worker.once('exit', (code) => {
      alive = false;
      failAll(new Error(`the SQLite send thread exited (code ${code}); the send was not stored`));
      resolve();
    });
  });

  const thread: SendThread = {
    get alive() {
      return alive;
    },
    send(messages) {
      return new Promise<SendResult>((resolve, reject) => {
        if (!alive) {
          reject(new Error('the SQLite send thread has ended; the send was not stored'));
          return;
        }
        const id = nextId++;
        pending.set(id, { resolve, reject, postedAt: performance.now() });
        if (pending.size === 1) worker.ref();
        const request: SendThreadRequest = { type: 'send', id, messages: messages.map(toWire) };
        worker.postMessage(request);
      });
    },
    answered() {
      // The oldest send still waiting (a Map iterates in insertion order, ids rise): the thread commits what is
      // waiting together, so its answer comes with the others posted by then, and the store's transactions and the
      // sends take the lock in turns instead of the store waiting out a whole flood.
      const oldest = pending.entries().next();
      if (oldest.done === true) return null;
      const [id, send] = oldest.value;
      if (Atomics.load(threadHoldsLock, 0) === 0 && performance.now() - send.postedAt < SEND_GRACE_MS)
        return null;
      return new Promise<void>((resolve) => answerWaiters.push({ id, resolve }));
    },
    async close() {
      if (alive) {
        // The thread answers every send posted before 'close' first: the port delivers in order.
        worker.ref();
        const request: SendThreadRequest = { type: 'close' };
        worker.postMessage(request);
      }
      await exited;
    },
  };

  return new Promise<SendThread>((resolve, reject) => {
    worker.on('message', (reply: SendThreadReply) => {
      if ('type' in reply) {
        resolve(thread);
        return;
      }
      const waiter = pending.get(reply.id);
      if (waiter === undefined) return;
      pending.delete(reply.id);
      releaseAnswered();
      if (pending.size === 0) worker.unref();
      if (reply.ok) waiter.resolve(reply.result);
      else {
        const error = new Error(`queue send failed on the SQLite send thread: ${reply.message}`);
        if (reply.code !== null) Object.assign(error, { code: reply.code });
        waiter.reject(error);
      }
    });
    worker.on('error', (error) => {
      // An uncaught error ends the thread ('exit' follows); before 'ready' it means the thread never started.
      reject(new Error('the SQLite send thread could not start', { cause: error }));
      failAll(new Error('the SQLite send thread failed; the send was not stored', { cause: error }));
    });
    void exited.then(() => reject(new Error('the SQLite send thread exited before it was ready')));
  });
}
