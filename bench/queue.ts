/**
 * Queue throughput benchmark (issue 11): messages per second through send + receive + complete, for the embedded
 * queue on SQLite and on PostgreSQL, and for the Service Bus adapter against the AMQP test broker, side by side.
 *
 *   npm run build && node dist/bench/queue.js [--messages 10000] [--json]
 *
 * A producer sends batches of 50 (what the ingest's group commit hands the queue under load) while two consumers
 * lease 20 at a time (the worker's batch) and complete each; the clock stops when every message is completed. Every
 * message has its own ordering key (a different user), so nothing waits on a per-key lock. SQLite is the baseline of
 * the other rows. The test broker runs in this process (it is test support, not a production broker): its CPU is
 * counted against the Service Bus figure, which is therefore a lower bound of the adapter's own cost.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../src/logger';
import { createEmbeddedQueue } from '../src/queue/embedded/adapter';
import type { OutgoingMessage, Queue } from '../src/queue/queue';
import { createServiceBusQueue } from '../src/queue/service-bus/adapter';
import { openDatabase } from '../src/store/database';
import { startAmqpBroker } from '../test/peers/service-bus-broker/amqp-broker';
import { createEmptyDatabase } from '../test/support/databases';
import { argValue, printRows, type BenchRow } from './support/bench-row';

const SEND_BATCH = 50;
const RECEIVE_BATCH = 20;
const CONSUMERS = 2;
/** A run that has not finished by then is reported as what it managed (bounded in time). */
const TIME_LIMIT_MS = 120_000;

function messageAt(run: string, n: number): OutgoingMessage {
  const userId = `user-${n}`;
  return {
    messageId: `${run}-${n}`,
    orderingKey: `bench:${userId}`,
    body: {
      kind: 'user-changed',
      tenantId: 'bench',
      userId,
      changeType: 'updated',
      subscriptionId: 'sub-bench',
      receivedAt: new Date().toISOString(),
      source: 'notification',
    },
  };
}

async function throughput(
  queue: Queue,
  total: number,
  log: (line: string) => void,
): Promise<{ perSecond: number; completed: number }> {
  const run = `r${Date.now()}`;
  const started = Date.now();
  const deadline = started + TIME_LIMIT_MS;
  let completed = 0;
  const produce = async () => {
    for (let i = 0; i < total && Date.now() < deadline; i += SEND_BATCH) {
      const batch = [];
      for (let n = i; n < Math.min(i + SEND_BATCH, total); n++) batch.push(messageAt(run, n));
      await queue.send(batch);
    }
  };
  const consume = async () => {
    while (completed < total && Date.now() < deadline) {
      const leased = await queue.receive({ maxMessages: RECEIVE_BATCH, leaseMs: 60_000, waitMs: 200 });
      await Promise.all(leased.map((m) => queue.complete(m)));
      completed += leased.length;
    }
  };
  await Promise.all([produce(), ...Array.from({ length: CONSUMERS }, consume)]);
  const seconds = (Date.now() - started) / 1000;
  if (completed < total) log(`  stopped at the time limit: ${completed} of ${total} completed`);
  return { perSecond: completed / seconds, completed };
}

async function main(): Promise<void> {
  const total = argValue('--messages', 10_000);
  const log = (line: string) => console.error(line);
  const results: Array<{ name: string; perSecond: number | null; note: string }> = [];

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ra-watch-queue-bench-'));
  try {
    const sqlite = await openDatabase(`sqlite:${path.join(dir, 'queue.db')}`);
    const sqliteQueue = createEmbeddedQueue(sqlite, { maxDeliveries: 10, pollIntervalMs: 10 });
    const s = await throughput(sqliteQueue, total, log);
    await sqliteQueue.close();
    await sqlite.close();
    results.push({
      name: 'embedded, SQLite file',
      perSecond: s.perSecond,
      note: `${s.completed} messages; synchronous FULL`,
    });
    log(`  SQLite: ${Math.round(s.perSecond)} msgs/s`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }

  const pg = await createEmptyDatabase('postgres');
  try {
    const database = await openDatabase(pg.url);
    const queue = createEmbeddedQueue(database, { maxDeliveries: 10, pollIntervalMs: 10 });
    const p = await throughput(queue, total, log);
    await queue.close();
    await database.close();
    results.push({ name: 'embedded, PostgreSQL', perSecond: p.perSecond, note: `${p.completed} messages` });
    log(`  PostgreSQL: ${Math.round(p.perSecond)} msgs/s`);
  } catch (error) {
    results.push({ name: 'embedded, PostgreSQL', perSecond: null, note: `not run: ${String(error)}` });
  } finally {
    await pg.drop();
  }

  try {
    const broker = await startAmqpBroker([{ name: 'bench', requiresSession: true, lockDurationMs: 60_000 }]);
    const queue = createServiceBusQueue({
      connectionString: broker.connectionString,
      queueName: 'bench',
      maxDeliveries: 10,
      logger: silentLogger(),
      pollIntervalMs: 20,
    });
    try {
      const b = await throughput(queue, total, log);
      results.push({
        name: 'Service Bus, test broker',
        perSecond: b.perSecond,
        note: `${b.completed} messages; sessions; broker in this process`,
      });
      log(`  Service Bus (test broker): ${Math.round(b.perSecond)} msgs/s`);
    } finally {
      await queue.close();
      await broker.close();
    }
  } catch (error) {
    results.push({ name: 'Service Bus, test broker', perSecond: null, note: `not run: ${String(error)}` });
  }

  const base = results[0]?.perSecond ?? null;
  const rows: BenchRow[] = results.map((r, index) => {
    const ratio = index === 0 || r.perSecond === null || base === null ? null : r.perSecond / base;
    // Issue 21: batched leasing and settles on PostgreSQL, at least half SQLite's rate in the same run.
    const postgres = r.name === 'embedded, PostgreSQL';
    return {
      what: `queue send+receive+complete, ${r.name}`,
      figure: r.perSecond ?? 0,
      unit: 'msgs/s',
      baseline: index === 0 ? null : base,
      ratio,
      goal: postgres ? '>= 0.5 x SQLite' : 'side by side',
      met: postgres && ratio !== null ? ratio >= 0.5 : null,
      note: r.note,
    };
  });
  printRows(rows);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
