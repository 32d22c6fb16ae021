/**
 * At-least-once across a crash: a consumer process leases messages and is killed with SIGKILL mid-lease. Once
 * its leases end, every message is delivered again (one delivery higher) and nothing is lost.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createEmbeddedQueue } from '../../src/queue/embedded/embedded-queue';
import type { OutgoingMessage } from '../../src/queue/queue';
import { createTestDatabase, ENGINES } from '../support/databases';

const root = path.resolve(__dirname, '../..');

/** Spawns the child, resolves with the message ids it leased, and leaves it hanging. */
function leaseInChild(url: string, maxMessages: number, leaseMs: number) {
  const child = spawn(
    process.execPath,
    [
      '-r',
      './test/support/ts-register.js',
      'test/queue/fixtures/lease-and-hang.ts',
      url,
      String(maxMessages),
      String(leaseMs),
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, signal) => resolve(signal)),
  );
  const leased = new Promise<string[]>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!) as string[]);
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`child exited (${code}) before leasing: ${err}`)));
  });
  return { child, leased, exited };
}

describe.each(ENGINES)('embedded queue on %s, consumer killed mid-lease', (engine) => {
  it('delivers every message again after the lease ends, losing none', async () => {
    const testDb = await createTestDatabase(engine);
    const queue = createEmbeddedQueue(testDb.database, { maxDeliveries: 10, pollIntervalMs: 20 });
    try {
      const sent: OutgoingMessage[] = Array.from({ length: 8 }, (_, i) => ({
        messageId: `m${i}`,
        orderingKey: `tenant/user-${i % 4}`,
        body: {
          kind: 'lifecycle',
          tenantId: 'tenant',
          subscriptionId: 's',
          lifecycleEvent: 'missed',
          receivedAt: `${i}`,
        },
      }));
      await queue.send(sent);

      const { child, leased, exited } = leaseInChild(testDb.url, 4, 1_500);
      const leasedByChild = await leased;
      expect(leasedByChild).toHaveLength(4);
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');

      const deliveries = new Map<string, number>();
      while (deliveries.size < sent.length) {
        const received = await queue.receive({ maxMessages: 10, leaseMs: 10_000, waitMs: 5_000 });
        if (received.length === 0) break;
        for (const message of received) {
          deliveries.set(message.messageId, message.deliveryCount);
          await queue.complete(message);
        }
      }
      expect([...deliveries.keys()].sort()).toEqual(sent.map((m) => m.messageId).sort());
      for (const id of leasedByChild) expect(deliveries.get(id)).toBe(2);
      await expect(queue.stats()).resolves.toEqual({ ready: 0, scheduled: 0, inFlight: 0, deadLettered: 0 });
    } finally {
      await queue.close();
      await testDb.drop();
    }
  });
});
