/**
 * Replica benchmark (issue 21): real `ra-watch serve` processes (bin/ra-watch.js on the built dist/) on one fresh
 * PostgreSQL database with the embedded queue, the Graph simulator a peer process answering every request after
 * 100 ms (a Graph-bound load: the work waits on Graph, not on the CPU).
 *
 *   npm run build && node dist/bench/replicas.js [--users 3000] [--graph-latency-ms 100] [--json]
 *
 * Rows:
 * - Graph-bound throughput with 1 and with 3 replicas: one notification for each of `--users` users, spread over
 *   the replicas' /notifications, timed from the first POST until every user's snapshot was read after its
 *   notification; the ratio 3 ÷ 1 (goal ≥ 2.5: the work spreads over the replicas).
 * - Ingest on PostgreSQL ÷ bare node:http: autocannon (64 connections, one notification per POST, a unique user id
 *   each) against one replica's /notifications, and against a bare node:http server answering 202 in a process of
 *   its own, same settings, same run.
 */
import { spawn } from 'node:child_process';
import { silentLogger } from '../src/logger';
import { openDatabase } from '../src/store/database';
import { createStore } from '../src/store/sql-store';
import { createEmptyDatabase } from '../test/support/databases';
import { burst, deliverOnce, newDeliveryLog } from '../test/reliability/support/post-notifications';
import { countProcessed } from '../test/reliability/support/reliability-app';
import {
  CLIENT_STATE,
  recordBaseline,
  reliabilityTenant,
} from '../test/reliability/support/reliability-tenant';
import { startPeer, startServe, type Started } from '../test/reliability/support/replica-processes';
import { BENCH_CLIENT_STATE, notificationBodyTemplate } from './support/bench-notification';
import { argValue, printRows, type BenchRow } from './support/bench-row';
import { runLoad } from './support/load';

const PER_POST = 20;
const CONNECTIONS = 8;
const TIME_LIMIT_MS = 240_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const log = (line: string) => console.error(line);

interface GraphPeer {
  url: string;
  token: string;
  control: string;
}

async function graphBound(
  replicaCount: number,
  users: number,
  graphLatencyMs: number,
): Promise<{ perSecond: number; done: number; sent: number }> {
  const tenant = reliabilityTenant(users);
  const processes: Array<Started<unknown>> = [];
  const pg = await createEmptyDatabase('postgres');
  const database = await openDatabase(pg.url, { logger: silentLogger() });
  try {
    const graph = await startPeer<GraphPeer>('graph-peer.ts', [String(users), String(graphLatencyMs)]);
    processes.push(graph);
    const store = createStore(database);
    await recordBaseline(store, tenant.tenantId);
    const env = {
      DATABASE_URL: pg.url,
      GRAPH_BASE_URL: graph.info.url,
      GRAPH_ACCESS_TOKEN: graph.info.token,
      AZURE_TENANT_ID: tenant.tenantId,
      CLIENT_STATE,
    };
    const replicas = await Promise.all(Array.from({ length: replicaCount }, () => startServe(env)));
    processes.push(...replicas);
    await sleep(3_000); // the start-up rounds (reconcile, renewal) out of the way

    const deliveries = newDeliveryLog();
    const bodies = burst(tenant.userIds, tenant.userIds.length, PER_POST);
    const started = Date.now();
    let next = 0;
    let turn = 0;
    const runner = async (): Promise<void> => {
      while (next < bodies.length) {
        const users = bodies[next++]!;
        while (
          (await deliverOnce(
            replicas[turn++ % replicas.length]!.info.url,
            tenant.tenantId,
            users,
            deliveries,
          )) !== 202
        )
          await sleep(50);
      }
    };
    await Promise.all(Array.from({ length: CONNECTIONS }, runner));
    let done = 0;
    while (Date.now() - started < TIME_LIMIT_MS) {
      done = await countProcessed({ store }, tenant.tenantId, deliveries.accepted);
      if (done >= deliveries.accepted.length) break;
      await sleep(250);
    }
    const seconds = (Date.now() - started) / 1000;
    return { perSecond: done / seconds, done, sent: deliveries.accepted.length };
  } finally {
    for (const process of processes.reverse()) await process.kill('SIGKILL');
    await database.close();
    await pg.drop();
  }
}

/** A bare node:http server answering 202 after reading the body, in a process of its own like the replica. */
function startBare(): Promise<{ url: string; stop: () => void }> {
  const script = `const s=require('node:http').createServer((q,r)=>{q.resume();q.on('end',()=>{r.writeHead(202);r.end()})});s.listen(0,'127.0.0.1',()=>console.log('port '+s.address().port))`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => {
    child.stdout.once('data', (chunk: Buffer) => {
      const port = /port (\d+)/.exec(chunk.toString())?.[1] ?? '0';
      resolve({ url: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGKILL') });
    });
  });
}

async function ingestRatio(): Promise<{ real: number; bare: number; p99: number }> {
  const pg = await createEmptyDatabase('postgres');
  const processes: Array<Started<unknown>> = [];
  const bare = await startBare();
  try {
    const graph = await startPeer<GraphPeer>('graph-peer.ts', ['10']);
    processes.push(graph);
    const replica = await startServe({
      DATABASE_URL: pg.url,
      GRAPH_BASE_URL: graph.info.url,
      GRAPH_ACCESS_TOKEN: graph.info.token,
      CLIENT_STATE: BENCH_CLIENT_STATE,
    });
    processes.push(replica);
    const settings = { connections: 64, duration: 10, body: notificationBodyTemplate };
    await runLoad({ ...settings, url: `${bare.url}/notifications`, duration: 2 }); // warm-up
    const bareRun = await runLoad({ ...settings, url: `${bare.url}/notifications` });
    await runLoad({ ...settings, url: `${replica.info.url}/notifications`, duration: 2 });
    const realRun = await runLoad({ ...settings, url: `${replica.info.url}/notifications` });
    return { real: realRun.requestsPerSecond, bare: bareRun.requestsPerSecond, p99: realRun.p99 };
  } finally {
    bare.stop();
    for (const process of processes.reverse()) await process.kill('SIGKILL');
    await pg.drop();
  }
}

async function main(): Promise<void> {
  // People besides the reliability tenant's own accounts (about 90 more).
  const users = argValue('--users', 3000);
  // 100 ms is the figure; on a 2-core machine the three replicas then share the cores with the simulator and
  // the load (CPU-bound); a longer answer shows the spread when the work really waits on Graph.
  const latency = argValue('--graph-latency-ms', 100);
  const one = await graphBound(1, users, latency);
  log(`  1 replica: ${one.perSecond.toFixed(0)} users/s (${one.done} of ${one.sent})`);
  const three = await graphBound(3, users, latency);
  log(`  3 replicas: ${three.perSecond.toFixed(0)} users/s (${three.done} of ${three.sent})`);
  const ingest = await ingestRatio();
  log(`  ingest on PostgreSQL ${ingest.real.toFixed(0)} req/s, bare ${ingest.bare.toFixed(0)} req/s`);
  const ratio = one.perSecond > 0 ? three.perSecond / one.perSecond : null;
  const rows: BenchRow[] = [
    {
      what: `Graph-bound throughput (${latency} ms Graph), 1 replica, PostgreSQL`,
      figure: one.perSecond,
      unit: 'users/s',
      baseline: null,
      ratio: null,
      goal: 'baseline',
      met: null,
      note: `${one.done} of ${one.sent} users read after their notification`,
    },
    {
      what: `Graph-bound throughput (${latency} ms Graph), 3 replicas, PostgreSQL`,
      figure: three.perSecond,
      unit: 'users/s',
      baseline: one.perSecond,
      ratio,
      goal: '>= 2.5 x 1 replica',
      met: ratio === null ? null : ratio >= 2.5,
      note: `${three.done} of ${three.sent} users read after their notification`,
    },
    {
      what: 'ingest, one replica on PostgreSQL vs bare node:http',
      figure: ingest.real,
      unit: 'req/s',
      baseline: ingest.bare,
      ratio: ingest.bare > 0 ? ingest.real / ingest.bare : null,
      goal: 'side by side',
      met: null,
      note: `64 connections, 10 s each, p99 ${ingest.p99} ms`,
    },
  ];
  printRows(rows);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
