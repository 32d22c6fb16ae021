/**
 * SQLite statements give the event loop a turn once they have run a few milliseconds back to back
 * (src/store/event-loop-turns.ts): better-sqlite3 answers synchronously, so without it a chain of statements never
 * lets a timer or a socket through until the chain ends. A real SQLite file; what is asserted is that a timer set
 * before the chain fires before the chain ends, not how long anything took.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { openDatabase, type Database } from '../../src/store/database';
import { inTransaction } from '../../src/store/transaction';

describe('SQLite statements and the event loop', () => {
  let dir: string;
  let database: Database;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ra-watch-event-loop-turns-'));
    database = await openDatabase(`sqlite:${path.join(dir, 'turns.db')}`);
  });
  afterAll(async () => {
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Runs statements one after another until the timer set first has fired (or a ceiling); how many ran. */
  async function statementsBeforeTimer(
    run: () => Promise<unknown>,
  ): Promise<{ fired: boolean; ran: number }> {
    let fired = false;
    const timer = setTimeout(() => (fired = true), 0);
    let ran = 0;
    // Far more than a few milliseconds' worth: without turns the chain runs to this ceiling with the timer waiting.
    while (!fired && ran < 200_000) {
      await run();
      ran += 1;
    }
    clearTimeout(timer);
    return { fired, ran };
  }

  it('lets a timer fire in the middle of a long chain of statements', async () => {
    const result = await statementsBeforeTimer(() => sql`SELECT 1`.execute(database.db));
    expect(result.fired).toBe(true);
    expect(result.ran).toBeLessThan(200_000);
  });

  it('lets a timer fire in the middle of one long transaction', async () => {
    let fired = false;
    const timer = setTimeout(() => (fired = true), 0);
    let ran = 0;
    await inTransaction(database, async (trx) => {
      while (!fired && ran < 200_000) {
        await sql`SELECT 1`.execute(trx);
        ran += 1;
      }
    });
    clearTimeout(timer);
    expect(fired).toBe(true);
  });
});
