/**
 * What the main thread and the SQLite send thread (sqlite-send-thread.ts, sqlite-send-worker.ts) say to each other
 * over the worker's message port. Plain data only: bodies travel as the JSON text that is stored.
 */
import type { SendResult } from '../queue';

export interface SendThreadData {
  /** The SQLite file the store opened (its schema is already migrated). */
  filename: string;
  /** The store connection's own busy_timeout, so both connections wait for each other alike. */
  busyTimeoutMs: number;
}

/** What the thread is started with: the caller's data, and the flag it raises while it holds the write lock. */
export interface SendThreadWorkerData extends SendThreadData {
  /** An Int32Array's buffer: element 0 is 1 from the thread's BEGIN IMMEDIATE to its COMMIT, else 0. */
  holdingLock: SharedArrayBuffer;
}

export interface WireMessage {
  messageId: string;
  orderingKey: string;
  /** JSON text, stored as-is. */
  body: string;
  coalesce: boolean;
  /** Epoch ms, or null for "visible at once". */
  notBefore: number | null;
  /** The message's tenant (message-tenant.ts), worked out on the main thread: the thread stores it as given. */
  tenantId: string;
}

export type SendThreadRequest = { type: 'send'; id: number; messages: WireMessage[] } | { type: 'close' };

export type SendThreadReply =
  | { type: 'ready' }
  | { id: number; ok: true; result: SendResult }
  | { id: number; ok: false; message: string; code: string | null };
