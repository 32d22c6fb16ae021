/**
 * Group commit for settles. A worker settles many messages at once (each finished job completes its own), and
 * with synchronous=FULL (SQLite) or synchronous_commit (PostgreSQL) every transaction costs a disk flush; settles
 * requested in the same tick share one transaction and one flush instead. Each settle keeps its own outcome:
 * a lost lease (an expected answer, found by a query that succeeded) rejects only its caller; a database error
 * fails the whole transaction and so every settle in it, and none of them happened.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../store/database';
import type { Tables } from '../../store/tables';
import { inTransaction } from '../../store/transaction';
import { LeaseLostError } from '../queue';

type Work = (trx: Kysely<Tables>) => Promise<unknown>;

interface Pending {
  work: Work;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

export interface SettleBatcher {
  run<T>(work: (trx: Kysely<Tables>) => Promise<T>): Promise<T>;
}

export function createSettleBatcher(database: Database): SettleBatcher {
  let batch: Pending[] = [];

  async function flush(): Promise<void> {
    const current = batch;
    batch = [];
    const outcomes: { ok: boolean; value: unknown }[] = [];
    try {
      await inTransaction(database, async (trx) => {
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
      return;
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
        if (batch.length === 1) setImmediate(() => void flush());
      });
    },
  };
}
