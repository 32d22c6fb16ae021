/**
 * The servers under load, in one child process of the benchmark (autocannon runs in the parent, so the load
 * generator does not share an event loop with the server it measures; both servers share this process and its
 * core, one under load at a time):
 * - bare: node:http, reads the body, answers 202. The ceiling.
 * - real: createHttpServer(ingest in front of Express) + the embedded queue on a temp SQLite file (WAL,
 *   synchronous=FULL): what `ra-watch serve` runs, without the webhook's per-address rate limit (all load comes
 *   from 127.0.0.1).
 * - handler only: the same server with a queue that keeps nothing, to tell the handler's cost from the queue's.
 * Talks to the parent over IPC: sends {ports} when listening; on {send-alone} measures the queue's send with no
 * HTTP in front; on {verify} answers the queue and ingest counts; on {stop} closes everything and exits.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { Registry } from 'prom-client';
import { createExpressApp } from '../../src/http/express-app';
import { createHttpServer } from '../../src/http/http-server';
import { closeGracefully, listen } from '../../src/http/server-lifecycle';
import { createIngest } from '../../src/ingest/ingest';
import { silentLogger } from '../../src/logger';
import { createEmbeddedQueue } from '../../src/queue/embedded/adapter';
import type { OutgoingMessage } from '../../src/queue/queue';
import { orderingKeyFor, type UserChanged } from '../../src/queue/work-item';
import { openDatabase } from '../../src/store/database';
import { BENCH_CLIENT_STATE, BENCH_TENANT } from './bench-notification';
import { createCountingQueue } from './counting-queue';

export type ParentMessage =
  { type: 'verify' } | { type: 'send-alone'; seconds: number; batchSize: number } | { type: 'stop' };
export type ChildMessage =
  | { type: 'ready'; barePort: number; realPort: number; handlerOnlyPort: number; databaseFile: string }
  | { type: 'sent-alone'; messages: number; commits: number; seconds: number }
  | {
      type: 'verified';
      stored: number;
      queue: { ready: number; scheduled: number; inFlight: number; deadLettered: number };
      ingest: {
        accepted: number;
        coalesced: number;
        duplicates: number;
        commits: number;
        failedCommits: number;
        received: number;
      };
      synchronous: string;
      journalMode: string;
    };

function bareServer(): Server {
  return createServer((req, res) => {
    req.on('data', () => undefined);
    req.on('end', () => {
      res.writeHead(202, { 'Content-Length': 0 });
      res.end();
    });
  });
}

async function main(): Promise<void> {
  const send = (message: ChildMessage): void => void process.send?.(message);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ra-watch-bench-ingest-'));
  const databaseFile = path.join(dir, 'bench.db');
  const logger = silentLogger();
  const database = await openDatabase(`sqlite:${databaseFile}`);
  const queue = createEmbeddedQueue(database, { maxDeliveries: 10 });
  const registry = new Registry();
  const ingest = createIngest({ queue, clientStates: [BENCH_CLIENT_STATE], logger, registry });
  const app = createExpressApp({ logger, readiness: () => Promise.resolve({}), metricsRegistry: registry });
  // No per-address rate limit: the load comes from one address (127.0.0.1), where Graph's deliveries come from
  // many; the limiter would measure its own refusals (429), not the ingest path.
  const real = createHttpServer({ ingest, app, rateLimit: false });
  const bare = bareServer();
  // The same handler and app in front of a queue that keeps nothing: what the HTTP side alone costs.
  const handlerOnlyIngest = createIngest({
    queue: createCountingQueue(),
    clientStates: [BENCH_CLIENT_STATE],
    logger,
  });
  const handlerOnly = createHttpServer({ ingest: handlerOnlyIngest, app, rateLimit: false });
  const [bareAddress, realAddress, handlerOnlyAddress] = await Promise.all([
    listen(bare, 0, '127.0.0.1'),
    listen(real, 0, '127.0.0.1'),
    listen(handlerOnly, 0, '127.0.0.1'),
  ]);
  send({
    type: 'ready',
    barePort: bareAddress.port,
    realPort: realAddress.port,
    handlerOnlyPort: handlerOnlyAddress.port,
    databaseFile,
  });

  process.on('message', (message: ParentMessage) => {
    void (async () => {
      if (message.type === 'send-alone') {
        send({
          type: 'sent-alone',
          ...(await sendAlone(path.join(dir, 'send-alone.db'), message.seconds, message.batchSize)),
        });
      } else if (message.type === 'verify') {
        await ingest.close();
        const stats = await queue.stats();
        // Read back on the store's own connection: synchronous is a per-connection setting.
        const journal = await sql<{ journal_mode: string }>`PRAGMA journal_mode`.execute(database.db);
        const synchronous = await sql<{ synchronous: number }>`PRAGMA synchronous`.execute(database.db);
        const s = ingest.stats();
        send({
          type: 'verified',
          stored: stats.ready + stats.scheduled + stats.inFlight,
          queue: stats,
          ingest: {
            accepted: s.accepted,
            coalesced: s.coalesced,
            duplicates: s.duplicates,
            commits: s.commits,
            failedCommits: s.failedCommits,
            received: s.received,
          },
          synchronous:
            ['OFF', 'NORMAL', 'FULL', 'EXTRA'][synchronous.rows[0]?.synchronous ?? -1] ?? 'unknown',
          journalMode: journal.rows[0]?.journal_mode ?? 'unknown',
        });
      } else {
        bare.close();
        handlerOnly.close();
        await closeGracefully(real, { ingest, timeoutMs: 2000 });
        await queue.close();
        await database.close();
        fs.rmSync(dir, { recursive: true, force: true });
        process.exit(0);
      }
    })();
  });
}

/**
 * The durable write's own ceiling: the same embedded queue (send thread, synchronous=FULL) on a fresh file of its
 * own, sent batches of the size group commit formed under load, one at a time as group commit sends them, with no
 * HTTP at all. Ingest cannot acknowledge faster than this; the gap between the two is the HTTP side's share.
 */
async function sendAlone(
  file: string,
  seconds: number,
  batchSize: number,
): Promise<{ messages: number; commits: number; seconds: number }> {
  const database = await openDatabase(`sqlite:${file}`);
  const queue = createEmbeddedQueue(database, { maxDeliveries: 10 });
  const batch = (): OutgoingMessage[] =>
    Array.from({ length: batchSize }, () => {
      const userId = randomUUID();
      const body: UserChanged = {
        kind: 'user-changed',
        tenantId: BENCH_TENANT,
        userId,
        changeType: 'updated',
        subscriptionId: '8b2e4c71-0f3a-4d9b-b6e5-2a7c91d0f34e',
        receivedAt: new Date().toISOString(),
        source: 'notification',
      };
      return {
        messageId: randomUUID(),
        orderingKey: orderingKeyFor(BENCH_TENANT, userId),
        body,
        coalesce: true,
      };
    });
  try {
    // Warm-up, and the send thread is up before the clock starts.
    for (let i = 0; i < 20; i++) await queue.send(batch());
    let messages = 0;
    let commits = 0;
    const started = performance.now();
    while (performance.now() - started < seconds * 1000) {
      const result = await queue.send(batch());
      messages += result.accepted;
      commits += 1;
    }
    return { messages, commits, seconds: (performance.now() - started) / 1000 };
  } finally {
    await queue.close();
    await database.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
