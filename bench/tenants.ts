/**
 * 200 customer tenants in one install (issue 19, Performance): the time to add (subscribe and baseline) all of
 * them, the peak RSS, and the Graph requests per tenant per hour at rest.
 *
 *   npm run build && node dist/bench/tenants.js [--tenants 200] [--users 20] [--concurrency 10] [--rest-seconds 30] [--json]
 *
 * ra-watch (startApp: SQLite file, embedded queue, its loops running) in this process, the Graph simulator
 * (answering in 20 ms) serving every tenant over real HTTP from a child process. Tenants are added through `app.tenants.add` (what
 * `POST /api/tenants` and `ra-watch tenants add` call): check, names from `GET /organization`, subscription
 * (with Graph's validation handshake to ra-watch's own endpoint) and the baseline audit awaited, `--concurrency`
 * at a time (an MSP's onboarding script). RSS is this process's `process.memoryUsage().rss` sampled every 100 ms:
 * ra-watch's alone, the simulator's tenants and request log being in the child.
 * At rest: the delta reconcile runs every 5 s instead of 15 min (compressed 180 ×); the requests the simulator
 * records over the window are counted per tenant and reconcile round (roundsPerTenant) and scaled to the four
 * rounds an hour of the default interval. Renewal needs no Graph call
 * until a subscription is half way through its 29-day life (subscription-manager.ts), so its share is computed:
 * one PATCH per subscription per 14.5 days. Herd: the most requests in any 1 s over the window.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchAppConfig } from './support/bench-app-config';
import { startApp, type App } from '../src/app';
import { silentLogger } from '../src/logger';
import { DEFAULT_LIFETIME_MINUTES } from '../src/subscriptions/subscription-manager';
import { argValue, printRows, type BenchRow } from './support/bench-row';
import { benchTenantId, loadAverage } from './support/many-tenant-seeds';
import {
  startTenantsSimulatorProcess,
  type SeenRequest,
  type TenantsSimulatorProcess,
} from './support/tenants-simulator-process';

const GRAPH_LATENCY_MS = 20;
const COMPRESSED_RECONCILE_MS = 5_000;
const DEFAULT_RECONCILE_MS = 15 * 60_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function waitQuiet(app: App, sim: TenantsSimulatorProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  while (quiet < 2) {
    if (Date.now() > deadline) throw new Error(`the pipeline did not settle within ${timeoutMs / 1000} s`);
    await sim.flushNotifications();
    const stats = await app.queue.stats();
    const busy = stats.ready + stats.inFlight + stats.scheduled > 0;
    quiet = busy ? 0 : quiet + 1;
    await sleep(busy ? 50 : 200);
  }
}

/** The most timestamps in any window of `windowMs` (sorted input). */
function maxInWindow(sortedMs: number[], windowMs: number): number {
  let best = 0;
  let from = 0;
  for (let to = 0; to < sortedMs.length; to++) {
    while (sortedMs[to]! - sortedMs[from]! >= windowMs) from++;
    best = Math.max(best, to - from + 1);
  }
  return best;
}

/**
 * Reconcile rounds seen, summed over tenants: a tenant's requests closer than `gapMs` to the previous one belong to
 * the same round. Counting rounds rather than dividing by the window keeps the figure true when a round's walk
 * over the tenants takes a good part of the compressed interval.
 */
function roundsPerTenant(requests: SeenRequest[], gapMs: number): number {
  const byTenant = new Map<string, number[]>();
  for (const r of requests) {
    const key = r.tenantId ?? '(none)';
    byTenant.set(key, [...(byTenant.get(key) ?? []), Date.parse(r.at)]);
  }
  let rounds = 0;
  for (const times of byTenant.values()) {
    times.sort((a, b) => a - b);
    rounds += times.filter((t, i) => i === 0 || t - times[i - 1]! > gapMs).length;
  }
  return rounds;
}

async function main(): Promise<void> {
  const tenants = argValue('--tenants', 200);
  const users = argValue('--users', 20);
  const concurrency = argValue('--concurrency', 10);
  const restSeconds = argValue('--rest-seconds', 30);
  const log = (line: string) => console.error(line);
  const loadAtStart = loadAverage();

  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const rssBefore = peakRss;
  const ids = Array.from({ length: tenants }, (_, t) => benchTenantId(t));
  const sim = await startTenantsSimulatorProcess({
    tenants,
    users,
    resourceAccounts: Math.min(5, users),
    responseLatencyMs: GRAPH_LATENCY_MS,
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ra-watch-tenants-bench-'));
  let app: App | null = null;
  try {
    const config = benchAppConfig(path.join(dir, 'tenants.db'));
    app = await startApp({
      config,
      logger: silentLogger(),
      graph: { baseUrl: sim.url, tokenProvider: (tenantId) => Promise.resolve(sim.tokenFor(tenantId)) },
      tenantIds: [],
      publicBaseUrlFallback: 'local-url',
      reconcileIntervalMs: COMPRESSED_RECONCILE_MS,
    });
    const running = app;

    // Onboarding: `concurrency` adds in flight, each awaiting its subscription and baseline.
    const started = Date.now();
    let next = 0;
    const failures: string[] = [];
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < ids.length) {
          const id = ids[next++]!;
          const outcome = await running.tenants.add(id, { by: 'bench', baseline: 'wait' });
          if (!outcome.subscribed || outcome.baseline !== 'taken') failures.push(id);
        }
      }),
    );
    await waitQuiet(running, sim, 120_000);
    const onboardSeconds = (Date.now() - started) / 1000;
    const watched = (await running.watched.list()).length;
    log(
      `tenants bench: ${tenants} tenants × ${users} users added in ${onboardSeconds.toFixed(1)} s (${failures.length} failed), ${watched} watched, load ${loadAverage()}`,
    );

    // At rest: no change anywhere; only the loops talk to Graph.
    const since = Date.now();
    await sleep(restSeconds * 1000);
    const windowMs = Date.now() - since;
    const seen = await sim.requestsSince(since);
    const routes = new Map<string, number>();
    for (const r of seen) routes.set(r.route, (routes.get(r.route) ?? 0) + 1);
    const rounds = roundsPerTenant(seen, COMPRESSED_RECONCILE_MS / 2);
    const perRound = seen.length / Math.max(1, rounds);
    // At the default interval a round's walk (seconds) is negligible: 3,600,000 / 900,000 = 4 rounds an hour.
    const reconcilePerHour = perRound * (3_600_000 / DEFAULT_RECONCILE_MS);
    const renewalPerHour = 1 / ((DEFAULT_LIFETIME_MINUTES / 60) * 0.5);
    const perHour = reconcilePerHour + renewalPerHour;
    const times = seen.map((r) => Date.parse(r.at)).sort((a, b) => a - b);
    const herd = maxInWindow(times, 1000);
    const tenantsPerRound = new Set(seen.map((r) => r.tenantId)).size;
    log(
      `  at rest: ${seen.length} requests in ${(windowMs / 1000).toFixed(1)} s from ${tenantsPerRound} tenants; ${[...routes].map(([k, v]) => `${k} ${v}`).join(', ')}; max ${herd} in 1 s; load ${loadAverage()}`,
    );
    clearInterval(sampler);
    const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

    const rows: BenchRow[] = [
      {
        what: `${tenants} tenants (${users} users each): add, subscribe and baseline all`,
        figure: Math.round(onboardSeconds * 10) / 10,
        unit: 's',
        baseline: null,
        ratio: null,
        goal: 'shown',
        met: failures.length === 0 ? null : false,
        note: `app.tenants.add ${concurrency} at a time, baseline awaited; Graph answers in ${GRAPH_LATENCY_MS} ms; ${(onboardSeconds / tenants).toFixed(2)} s per tenant; ${failures.length} failed; load at start ${loadAtStart}`,
      },
      {
        what: `${tenants} tenants in one install: peak RSS`,
        figure: mb(peakRss),
        unit: 'MB',
        baseline: mb(rssBefore),
        ratio: null,
        goal: '< 500 MB',
        met: peakRss < 500 * 2 ** 20,
        note: 'process.memoryUsage().rss of the bench process (ra-watch alone: the Graph simulator runs in a child process) sampled every 100 ms from start to the end of the at-rest window; baseline: RSS before the app started',
      },
      {
        what: `Graph requests per tenant per hour at rest, ${tenants} tenants`,
        figure: Math.round(perHour * 100) / 100,
        unit: 'req/tenant/h',
        baseline: null,
        ratio: null,
        goal: 'shown, staggered',
        met: null,
        note: `${seen.length} requests in ${(windowMs / 1000).toFixed(0)} s with the reconcile every ${COMPRESSED_RECONCILE_MS / 1000} s: ${rounds} tenant-rounds, ${perRound.toFixed(2)} req per tenant-round, × 4 rounds/h at the 15-min default (${reconcilePerHour.toFixed(2)}/h) + renewal computed (${renewalPerHour.toFixed(4)}/h); ${[...routes].map(([k, v]) => `${k} ×${v}`).join(', ')}`,
      },
      {
        what: `most Graph requests in any 1 s at rest, ${tenants} tenants`,
        figure: herd,
        unit: 'req',
        baseline: tenants,
        ratio: herd / tenants,
        goal: 'no herd: < all tenants at once',
        met: herd < tenants,
        note: `compressed window (every tenant reconciled every ${COMPRESSED_RECONCILE_MS / 1000} s); baseline: one request from every tenant in the same second; load at end ${loadAverage()}`,
      },
    ];
    printRows(rows);
  } finally {
    clearInterval(sampler);
    await app?.stop();
    await sim.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
