/**
 * Whose SQLite write transaction goes next (src/store/write-turns.ts): round the tenants, first come first served
 * within one, one at a time. Real async work that ends when the test says so; no clocks. Then the same through
 * inTransaction on a real SQLite file: tenant B's one observation-sized write overtakes A's queued twenty.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { openDatabase, type Database } from '../../src/store/database';
import { inTransaction } from '../../src/store/transaction';
import { createWriteTurns } from '../../src/store/write-turns';

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('write turns', () => {
  it('goes round the groups waiting, oldest first within each, one turn at a time', async () => {
    const turns = createWriteTurns();
    const log: string[] = [];
    const ends = new Map<string, () => void>();
    const ask = (group: string, name: string) =>
      turns.run(group, () => {
        log.push(name);
        return new Promise<void>((resolve) => ends.set(name, resolve));
      });
    const all = [
      ask('a', 'a1'),
      ask('a', 'a2'),
      ask('a', 'a3'),
      ask('a', 'a4'),
      ask('b', 'b1'),
      ask('', 'lease'),
      ask('b', 'b2'),
    ];
    const order = ['a1', 'a2', 'b1', 'lease', 'a3', 'b2', 'a4'];
    for (let i = 0; i < order.length; i += 1) {
      await settle();
      // Exactly one running: the one whose turn it is.
      expect(log).toEqual(order.slice(0, i + 1));
      ends.get(order[i]!)!();
    }
    await Promise.all(all);
  });

  it('passes the turn on when the work fails, and reports the failure to its caller', async () => {
    const turns = createWriteTurns();
    const failed = turns.run('a', () => Promise.reject(new Error('disk full')));
    const next = turns.run('b', () => Promise.resolve('written'));
    await expect(failed).rejects.toThrow('disk full');
    await expect(next).resolves.toBe('written');
  });
});

describe('write turns through inTransaction on SQLite', () => {
  let dir: string;
  let database: Database;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ra-watch-write-turns-'));
    database = await openDatabase(`sqlite:${path.join(dir, 'turns.db')}`);
    await sql`CREATE TABLE written (seq INTEGER PRIMARY KEY, who TEXT NOT NULL)`.execute(database.db);
  });
  afterAll(async () => {
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("commits tenant B's one write right after the running one, not after tenant A's queued twenty", async () => {
    const write = (tenantId: string, who: string) =>
      inTransaction(
        database,
        async (trx) => {
          await sql`INSERT INTO written (who) VALUES (${who})`.execute(trx);
          await sql`SELECT COUNT(*) FROM written`.execute(trx);
        },
        { tenantId },
      );
    const storm = Array.from({ length: 20 }, (_, i) => write('tenant-a', `a${i}`));
    const quiet = write('tenant-b', 'b0');
    await Promise.all([...storm, quiet]);
    const rows = await sql<{ who: string }>`SELECT who FROM written ORDER BY seq`.execute(database.db);
    const order = rows.rows.map((row) => row.who);
    expect(order).toHaveLength(21);
    expect(order.indexOf('b0')).toBeLessThanOrEqual(2);
  });
});
