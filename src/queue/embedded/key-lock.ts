/**
 * Per-ordering-key transaction locks on PostgreSQL (advisory, released at commit). Two races need them:
 * - two receivers each seeing the same key's head as free would both lease it (two messages of one user in
 *   flight); a receiver try-locks the key, then re-reads the key's state under the lock;
 * - two senders of one key committing out of order would give the later send the smaller seq (breaking per-key
 *   FIFO) or both insert one messageId (a missed duplicate); senders lock their keys, in sorted order so two
 *   senders never deadlock.
 * SQLite needs none of this: BEGIN IMMEDIATE already serialises every writer.
 */
import { sql, type Kysely } from 'kysely';
import type { Tables } from '../../store/tables';

/** Advisory lock namespace of the embedded queue ('rawq'); the key is hashed into the second int. */
const QUEUE_LOCK_SPACE = 0x7261_7771;

/**
 * Blocks until every key is locked. One statement, locking in one order on every session (no deadlock);
 * PostgreSQL evaluates volatile functions in the select list after ORDER BY.
 */
export async function lockKeys(trx: Kysely<Tables>, keys: Iterable<string>): Promise<void> {
  const unique = [...new Set(keys)];
  if (unique.length === 0) return;
  await sql`
    SELECT pg_advisory_xact_lock(${QUEUE_LOCK_SPACE}, hashtext(keys.k))
    FROM (SELECT DISTINCT k FROM unnest(${unique}::text[]) AS k) AS keys
    ORDER BY keys.k`.execute(trx);
}

/** Try-locks every key in one statement; returns the keys now locked by this transaction (busy ones are skipped). */
export async function tryLockKeys(trx: Kysely<Tables>, keys: readonly string[]): Promise<string[]> {
  if (keys.length === 0) return [];
  const result = await sql<{ k: string; locked: boolean }>`
    SELECT keys.k, pg_try_advisory_xact_lock(${QUEUE_LOCK_SPACE}, hashtext(keys.k)) AS locked
    FROM unnest(${[...keys]}::text[]) AS keys(k)`.execute(trx);
  return result.rows.filter((row) => row.locked).map((row) => row.k);
}
