/**
 * Group commit for settles. A worker settles many messages at once (each finished job completes its own), and
 * with synchronous=FULL (SQLite) or synchronous_commit (PostgreSQL) every transaction costs a disk flush; settles
 * requested in the same tick share one transaction and one flush instead. Each settle keeps its own outcome:
 * a lost lease (an expected answer, found by a query that succeeded) rejects only its caller; a database error
 * fails the whole transaction and so every settle in it, and none of them happened.
 *
 * Completes, the settle of almost every message, are also one statement per batch (a DELETE of every token at once,
 * RETURNING the tokens it found), not one per message: on PostgreSQL each statement is a round trip (issue 21).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../store/database';
import type { Tables } from '../../store/tables';
import { inTransaction } from '../../store/transaction';
import { LeaseLostError, type LeasedMessage } from '../queue';
import { leased } from './message-state';

/** Tokens per DELETE: far below either engine's bound-parameter limit. */
const COMPLETE_CHUNK = 500;

type Work = (trx: Kysely<Tables>) => Promise<unknown>;

interface Pending {
  work: Work;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

interface PendingComplete {
  message: LeasedMessage;
  resolve(): void;
  reject(error: unknown): void;
}

export interface SettleBatcher {
  run<T>(work: (trx: Kysely<Tables>) => Promise<T>): Promise<T>;
  /** Deletes the message while its lease is current (else LeaseLostError), with the other completes of the tick. */
  complete(message: LeasedMessage): Promise<void>;
}

export function createSettleBatcher(database: Database): SettleBatcher {
  let batch: Pending[] = [];
  let completes: PendingComplete[] = [];
  let scheduled = false;

  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => void flush());
  };

  async function completeAll(trx: Kysely<Tables>, current: PendingComplete[]): Promise<Set<string>> {
    const found = new Set<string>();
    const now = Date.now();
    for (let start = 0; start < current.length; start += COMPLETE_CHUNK) {
      const tokens = current.slice(start, start + COMPLETE_CHUNK).map((c) => c.message.leaseToken);
      const rows = await trx
        .deleteFrom('queue_messages')
        .where('lease_token', 'in', tokens)
        .where(leased(now))
        .returning('lease_token')
        .execute();
      for (const row of rows) if (row.lease_token !== null) found.add(row.lease_token);
    }
    return found;
  }

  async function flush(): Promise<void> {
    scheduled = false;
    const current = batch;
    const currentCompletes = completes;
    batch = [];
    completes = [];
    const outcomes: { ok: boolean; value: unknown }[] = [];
    let completed = new Set<string>();
    try {
      await inTransaction(database, async (trx) => {
        if (currentCompletes.length > 0) completed = await completeAll(trx, currentCompletes);
        for (const pending of current) {
          try {
            outcomes.push({ ok: true, value: await pending.work(trx) });
          } catch (error) {
            // Only answers like LeaseLostError are expected here; a database error aborts the transaction on
            // PostgreSQL, so it is rethrown and fails the batch.
            if (!(error instanceof LeaseLostError)) throw error;
            outcomes.push({ ok: false, value: error });
          }
        }
      });
    } catch (error) {
      for (const pending of current) pending.reject(error);
      for (const pending of currentCompletes) pending.reject(error);
      return;
    }
    for (const pending of currentCompletes) {
      if (completed.has(pending.message.leaseToken)) pending.resolve();
      else pending.reject(new LeaseLostError(pending.message.messageId));
    }
    current.forEach((pending, index) => {
      const outcome = outcomes[index]!;
      if (outcome.ok) pending.resolve(outcome.value);
      else pending.reject(outcome.value);
    });
  }

  return {
    run<T>(work: (trx: Kysely<Tables>) => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        batch.push({ work, resolve: resolve, reject });
        schedule();
      });
    },
    complete(message: LeasedMessage): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        completes.push({ message, resolve, reject });
        schedule();
      });
    },
  };
}
