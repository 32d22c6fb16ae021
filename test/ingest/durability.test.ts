/**
 * "202" means durable: the server process is killed with SIGKILL right after answering (no close, no flush), and
 * every notification it acknowledged is in the queue when the database is opened again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createEmbeddedQueue } from '../../src/queue/embedded/adapter';
import { openDatabase } from '../../src/store/database';
import { createEmptyDatabase } from '../support/databases';
import { SAMPLE_CLIENT_STATE, userNotification } from './graph-samples';
import { leaseAll } from './queue-contents';

const root = path.resolve(__dirname, '../..');

function startChild(url: string): { child: ChildProcess; port: Promise<number> } {
  const child = spawn(
    process.execPath,
    [
      '-r',
      './test/support/ts-register.js',
      'test/ingest/fixtures/ingest-server-child.ts',
      url,
      SAMPLE_CLIENT_STATE,
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const port = new Promise<number>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(Number(out.split('\n')[0]));
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`server child exited (${code}) before listening: ${err}`)));
  });
  return { child, port };
}

describe('a notification acknowledged with 202', () => {
  it('is in the queue after the server process is killed', async () => {
    const empty = await createEmptyDatabase('sqlite');
    // Migrate the file first so the child and this process agree on the schema.
    await (await openDatabase(empty.url)).close();
    const { child, port } = startChild(empty.url);
    try {
      const base = `http://127.0.0.1:${await port}`;
      const users = Array.from({ length: 40 }, (_, i) => `user-${i}`);
      // Concurrent requests, so several are acknowledged from one group commit.
      const answers = await Promise.all(
        users.map((user) =>
          fetch(`${base}/notifications`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ value: [userNotification(user)] }),
          }),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual(users.map(() => 202));
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGKILL');
      await exited;

      const database = await openDatabase(empty.url);
      const queue = createEmbeddedQueue(database, { maxDeliveries: 10 });
      try {
        const leased = await leaseAll(queue);
        expect(leased.map((m) => (m.body as { userId: string }).userId).sort()).toEqual([...users].sort());
      } finally {
        await queue.close();
        await database.close();
      }
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await empty.drop();
    }
    // The child transpiles the server's TypeScript on start: allow for a busy 2-core machine.
  }, 90_000);
});
