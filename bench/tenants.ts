/**
 * 200 customer tenants in one install (issue 19, Performance): the time to add (subscribe and baseline) all of
 * them, the peak RSS, the Graph requests per tenant per hour at rest, and how evenly they spread (no herd).
 *
 *   npm run build && node dist/bench/tenants.js [--tenants 200] [--users 20] [--concurrency 10]
 *     [--reconcile-seconds 60] [--rest-seconds 60] [--restart-seconds 15] [--json]
 *
 * ra-watch (startApp: SQLite file, embedded queue, its loops running) in this process, the Graph simulator
 * (answering in 20 ms) serving every tenant over real HTTP from a child process. Tenants are added through `app.tenants.add` (what
 * `POST /api/tenants` and `ra-watch tenants add` call): check, names from `GET /organization`, subscription
 * (with Graph's validation handshake to ra-watch's own endpoint) and the baseline audit awaited, `--concurrency`
 * at a time (an MSP's onboarding script). RSS is this process's `process.memoryUsage().rss` sampled every 100 ms:
 * ra-watch's alone, the simulator's tenants and request log being in the child.
 *
 * At rest: the delta reconcile runs every `--reconcile-seconds` (60 s) instead of 15 min (compressed 15 ×), each
 * tenant at its own slot (background/tenant-slot.ts); the requests the simulator records over the window are
 * counted per tenant and reconcile round (roundsPerTenant) and scaled to the four rounds an hour of the default
 * interval, and the most in any 1 s and any 10 s are taken (at the default interval the same slots are 15 × further
 * apart, so these are upper bounds of it). Renewal needs no Graph call until a subscription is half way through its
 * 29-day life (subscription-manager.ts), so its share is computed: one PATCH per subscription per ~14.5 days, and so
 * is its spread: from the 200 stored (spread) expiries, each renewal placed at its tenant's first renewal slot (the
 * renewal loop's own slot function, 15-min interval) after it falls due. Then ra-watch is stopped for one reconcile
 * interval (every lease runs out) and restarted on the same database, and its first `--restart-seconds` are
 * counted: the pass at start is kept (a restarted install catches up at once), so that is the one burst left, once
 * per start after a downtime of an interval or more.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchAppConfig } from './support/bench-app-config';
import { startApp, type App } from '../src/app';
import { silentLogger } from '../src/logger';
import { tenantSlots } from '../src/background/tenant-slot';
import { RECONCILE_JOB } from '../src/subscriptions/delta-reconcile';
import { RENEWAL_JOB } from '../src/subscriptions/renewal-loop';
import { DEFAULT_SWEEP_INTERVAL_MS } from '../src/identification/resource-account-sweep';
import { argValue, printRows, type BenchRow } from './support/bench-row';
import { benchTenantId, loadAverage } from './support/many-tenant-seeds';
import {
  startTenantsSimulatorProcess,
  type SeenRequest,
  type TenantsSimulatorProcess,
} from './support/tenants-simulator-process';

const GRAPH_LATENCY_MS = 20;
const DEFAULT_RECONCILE_MS = 15 * 60_000;
/** The renewal loop's default interval (subscription-manager.ts). */
const DEFAULT_RENEW_INTERVAL_MS = 15 * 60_000;
/** The old rounds' figures (bench/RESULTS.md, 2026-12-03 13:17 UTC, 5-s rounds): one walk over 200 tenants. */
const UNSTAGGERED_MAX_IN_1_S = 42;
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

interface Spread {
  max1s: number;
  max10s: number;
  max1min: number;
}

function spreadOf(sortedMs: number[]): Spread {
  return {
    max1s: maxInWindow(sortedMs, 1000),
    max10s: maxInWindow(sortedMs, 10_000),
    max1min: maxInWindow(sortedMs, 60_000),
  };
}

/**
 * The renewals of the stored subscriptions, computed: each falls due half-way through its (spread) life and is
 * PATCHed at its tenant's first renewal slot after that (the renewal loop's slot function at its default interval).
 */
async function renewalSchedule(app: App): Promise<{
  expiries: number[];
  due: number[];
  renewals: number[];
  lifetimesHours: number[];
}> {
  const slots = tenantSlots(RENEWAL_JOB, DEFAULT_RENEW_INTERVAL_MS);
  const stored = await app.store.subscriptions.list();
  const expiries = stored.map((s) => Date.parse(s.expiresAt)).sort((a, b) => a - b);
  const due = stored.map((s) => app.subscriptions.dueAt(s).getTime()).sort((a, b) => a - b);
  const renewals = stored
    .map((s) => slots.slotAtOrAfter(s.tenantId, app.subscriptions.dueAt(s).getTime()))
    .sort((a, b) => a - b);
  const lifetimesHours = stored.map((s) => (Date.parse(s.expiresAt) - Date.parse(s.createdAt)) / 3_600_000);
  return { expiries, due, renewals, lifetimesHours };
}

const hours = (ms: number) => Math.round((ms / 3_600_000) * 100) / 100;
const gaps = (sorted: number[]) => sorted.slice(1).map((t, i) => t - sorted[i]!);

async function main(): Promise<void> {
  const tenants = argValue('--tenants', 200);
  const users = argValue('--users', 20);
  const concurrency = argValue('--concurrency', 10);
  const reconcileMs = argValue('--reconcile-seconds', 60) * 1000;
  const restSeconds = argValue('--rest-seconds', 60);
  const restartSeconds = argValue('--restart-seconds', 15);
  const compression = DEFAULT_RECONCILE_MS / reconcileMs;
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
    // The resource-account sweep (hourly by default) at the reconcile's compressed interval, so the window sees
    // every tenant's listing once: its share is scaled back to one an hour below.
    const config = { ...benchAppConfig(path.join(dir, 'tenants.db')), resourceAccountSweepMs: reconcileMs };
    const open = () =>
      startApp({
        config,
        logger: silentLogger(),
        graph: { baseUrl: sim.url, tokenProvider: (tenantId) => Promise.resolve(sim.tokenFor(tenantId)) },
        tenantIds: [],
        publicBaseUrlFallback: 'local-url',
        reconcileIntervalMs: reconcileMs,
      });
    app = await open();
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
    const loadAfterOnboarding = loadAverage();
    log(
      `tenants bench: ${tenants} tenants × ${users} users added in ${onboardSeconds.toFixed(1)} s (${failures.length} failed), ${watched} watched, load ${loadAfterOnboarding}`,
    );

    // At rest: no change anywhere; only the loops talk to Graph.
    const since = Date.now();
    await sleep(restSeconds * 1000);
    const windowMs = Date.now() - since;
    const all = await sim.requestsSince(since);
    const loadAtRest = loadAverage();
    const routes = new Map<string, number>();
    for (const r of all) routes.set(r.route, (routes.get(r.route) ?? 0) + 1);
    const isSweep = (r: SeenRequest) => r.route.includes('/admin/teams/userConfigurations');
    const seen = all.filter((r) => !isSweep(r));
    const swept = all.filter(isSweep);
    const rounds = roundsPerTenant(seen, reconcileMs / 2);
    const perRound = seen.length / Math.max(1, rounds);
    // At the default interval: 3,600,000 / 900,000 = 4 rounds an hour.
    const reconcilePerHour = perRound * (3_600_000 / DEFAULT_RECONCILE_MS);
    const sweepRounds = roundsPerTenant(swept, reconcileMs / 2);
    const sweepPerRound = swept.length / Math.max(1, sweepRounds);
    const sweepPerHour = sweepPerRound * (3_600_000 / DEFAULT_SWEEP_INTERVAL_MS);
    const sweepTimes = swept.map((r) => Date.parse(r.at)).sort((a, b) => a - b);
    const sweepAtRest = spreadOf(sweepTimes);
    const times = seen.map((r) => Date.parse(r.at)).sort((a, b) => a - b);
    const atRest = spreadOf(times);
    // The even spread the slots aim at: every tenant once per interval, evenly.
    const evenPer1s = (tenants * 1000) / reconcileMs;
    // The same tenants' slots at the 15-min default, computed with the loop's own slot function.
    const reconcileSlots = tenantSlots(RECONCILE_JOB, DEFAULT_RECONCILE_MS);
    const atDefault = spreadOf(
      ids.map((id) => reconcileSlots.slotAtOrAfter(id, since)).sort((a, b) => a - b),
    );
    const tenantsSeen = new Set(seen.map((r) => r.tenantId)).size;
    log(
      `  at rest: ${seen.length} requests in ${(windowMs / 1000).toFixed(1)} s from ${tenantsSeen} tenants; ${[...routes].map(([k, v]) => `${k} ${v}`).join(', ')}; max ${atRest.max1s} in 1 s, ${atRest.max10s} in 10 s (even: ${evenPer1s.toFixed(1)}/s); load ${loadAtRest}`,
    );

    // Renewal, computed from the stored expiries and the renewal loop's slots.
    const renewal = await renewalSchedule(running);
    const renewalSpread = spreadOf(renewal.renewals);
    const dueSpread = spreadOf(renewal.due);
    const expirySpanH = hours(renewal.expiries.at(-1)! - renewal.expiries[0]!);
    const dueSpanH = hours(renewal.due.at(-1)! - renewal.due[0]!);
    const dueGaps = gaps(renewal.due);
    const meanLifeH = renewal.lifetimesHours.reduce((a, b) => a + b, 0) / renewal.lifetimesHours.length;
    const renewalPerHour = 1 / (meanLifeH * 0.5);
    const perHour = reconcilePerHour + sweepPerHour + renewalPerHour;
    log(
      `  renewal: ${renewal.expiries.length} expiries over ${expirySpanH} h; due over ${dueSpanH} h (gap ${Math.round(Math.min(...dueGaps) / 1000)}..${Math.round(Math.max(...dueGaps) / 1000)} s, max ${dueSpread.max1min} due in 1 min); PATCHes at the tenants' slots: max ${renewalSpread.max1s} in 1 s, ${renewalSpread.max10s} in 10 s, ${renewalSpread.max1min} in 1 min`,
    );

    // Restart on the same database after one reconcile interval down (so every lease has run out, the worst case;
    // a quicker restart finds the leases of its previous life held and waits for the slots): the pass at start.
    await running.stop();
    app = null;
    await sleep(reconcileMs + 1000);
    const restartedAt = Date.now();
    app = await open();
    await sleep(restartSeconds * 1000);
    const afterRestart = await sim.requestsSince(restartedAt);
    const restartTimes = afterRestart.map((r) => Date.parse(r.at)).sort((a, b) => a - b);
    const restart = spreadOf(restartTimes);
    const restartWalkS = restartTimes.length > 1 ? (restartTimes.at(-1)! - restartTimes[0]!) / 1000 : 0;
    const restartRoutes = new Map<string, number>();
    for (const r of afterRestart) restartRoutes.set(r.route, (restartRoutes.get(r.route) ?? 0) + 1);
    log(
      `  restart: ${afterRestart.length} requests in the first ${restartSeconds} s (${[...restartRoutes].map(([k, v]) => `${k} ${v}`).join(', ')}), over ${restartWalkS.toFixed(1)} s; max ${restart.max1s} in 1 s; load ${loadAverage()}`,
    );
    clearInterval(sampler);
    const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
    const routeList = (m: Map<string, number>) => [...m].map(([k, v]) => `${k} ×${v}`).join(', ');

    const rows: BenchRow[] = [
      {
        what: `${tenants} tenants (${users} users each): add, subscribe and baseline all`,
        figure: Math.round(onboardSeconds * 10) / 10,
        unit: 's',
        baseline: null,
        ratio: null,
        goal: 'shown',
        met: failures.length === 0 ? null : false,
        note: `app.tenants.add ${concurrency} at a time, baseline awaited; Graph answers in ${GRAPH_LATENCY_MS} ms; ${(onboardSeconds / tenants).toFixed(2)} s per tenant; ${failures.length} failed; load at start ${loadAtStart}, after ${loadAfterOnboarding}`,
      },
      {
        what: `${tenants} tenants in one install: peak RSS`,
        figure: mb(peakRss),
        unit: 'MB',
        baseline: mb(rssBefore),
        ratio: null,
        goal: '< 500 MB',
        met: peakRss < 500 * 2 ** 20,
        note: 'process.memoryUsage().rss of the bench process (ra-watch alone: the Graph simulator runs in a child process) sampled every 100 ms from start to the end of the restart window; baseline: RSS before the app started',
      },
      {
        what: `Graph requests per tenant per hour at rest, ${tenants} tenants`,
        figure: Math.round(perHour * 100) / 100,
        unit: 'req/tenant/h',
        baseline: null,
        ratio: null,
        goal: 'shown, staggered',
        met: null,
        note: `${seen.length} requests in ${(windowMs / 1000).toFixed(0)} s with the reconcile every ${reconcileMs / 1000} s: ${rounds} tenant-rounds, ${perRound.toFixed(2)} req per tenant-round, × 4 rounds/h at the 15-min default (${reconcilePerHour.toFixed(2)}/h) + the resource-account sweep, run every ${reconcileMs / 1000} s here: ${swept.length} listings, ${sweepPerRound.toFixed(2)} per tenant-round, × 1/h at the 60-min default (${sweepPerHour.toFixed(2)}/h) + renewal computed (1 PATCH per half life, mean life ${(meanLifeH / 24).toFixed(2)} d: ${renewalPerHour.toFixed(4)}/h); ${routeList(routes)}; load ${loadAtRest}`,
      },
      {
        what: `reconcile at rest: most Graph requests in any 1 s, ${tenants} tenants`,
        figure: atRest.max1s,
        unit: 'req',
        baseline: UNSTAGGERED_MAX_IN_1_S,
        ratio: atRest.max1s / UNSTAGGERED_MAX_IN_1_S,
        goal: 'no herd: ≤ 3 × even share',
        met: atRest.max1s <= Math.max(3, 3 * Math.ceil(evenPer1s)),
        note: `reconcile every ${reconcileMs / 1000} s (${compression} × compressed: at the 15-min default the slots are ${compression} × further apart); even share ${evenPer1s.toFixed(2)}/s; at the default, computed from the same slot function: ${atDefault.max1s} / ${atDefault.max10s} / ${atDefault.max1min} in any 1 s / 10 s / 1 min; baseline: the unstaggered round's walk, measured before (${UNSTAGGERED_MAX_IN_1_S} in 1 s, all ${tenants} within about 5 s)`,
      },
      {
        what: `reconcile at rest: most Graph requests in any 10 s, ${tenants} tenants`,
        figure: atRest.max10s,
        unit: 'req',
        baseline: tenants,
        ratio: atRest.max10s / tenants,
        goal: 'no herd: ≤ 3 × even share',
        met: atRest.max10s <= Math.max(3, 3 * Math.ceil(evenPer1s * 10)),
        note: `even share ${(evenPer1s * 10).toFixed(1)} per 10 s at the compressed interval (${((tenants * 10_000) / DEFAULT_RECONCILE_MS).toFixed(1)} at the default); baseline: every tenant in the same 10 s (the unstaggered walk took about 5 s)`,
      },
      {
        what: `resource-account sweep at rest: most Graph requests in any 1 s, ${tenants} tenants`,
        figure: sweepAtRest.max1s,
        unit: 'req',
        baseline: tenants,
        ratio: sweepAtRest.max1s / tenants,
        goal: 'no herd: ≤ 3 × even share',
        met: swept.length > 0 && sweepAtRest.max1s <= Math.max(3, 3 * Math.ceil(evenPer1s)),
        note: `${swept.length} listings (GET /admin/teams/userConfigurations) from ${new Set(swept.map((r) => r.tenantId)).size} tenants in the window, the sweep every ${reconcileMs / 1000} s (60 × compressed), each tenant at its own slot; most in any 10 s: ${sweepAtRest.max10s}; even share ${evenPer1s.toFixed(2)}/s; baseline: every tenant in one walk, as the sweep ran before it was staggered`,
      },
      {
        what: `renewal: spread of the ${tenants} subscriptions' due times`,
        figure: dueSpanH,
        unit: 'h',
        baseline: Math.round((onboardSeconds / 3600) * 1000) / 1000,
        ratio: null,
        goal: 'spread over hours',
        met: dueSpanH >= 6,
        note: `computed from the stored expiries (spread per tenant and resource, up to 24 h under the 41,700-min lifetime): expiries over ${expirySpanH} h, due (half life) over ${dueSpanH} h; gaps between consecutive due times ${Math.round(Math.min(...dueGaps) / 1000)} s .. ${Math.round(Math.max(...dueGaps) / 60_000)} min; most due in any 1 min: ${dueSpread.max1min}; baseline: the onboarding window all ${tenants} were created in (unspread they fell due within it)`,
      },
      {
        what: `renewal: most PATCHes in any 1 s / 10 s / 1 min, ${tenants} tenants`,
        figure: renewalSpread.max1s,
        unit: 'req',
        baseline: tenants,
        ratio: renewalSpread.max1s / tenants,
        goal: 'no herd',
        met: renewalSpread.max1min <= 3,
        note: `computed: each renewal at its tenant's first renewal-loop slot (15-min interval) after it falls due: ${renewalSpread.max1s} / ${renewalSpread.max10s} / ${renewalSpread.max1min} in any 1 s / 10 s / 1 min; baseline: unspread and unstaggered, all ${tenants} PATCHes in one round's walk`,
      },
      {
        what: `restart with ${tenants} tenants: most Graph requests in any 1 s`,
        figure: restart.max1s,
        unit: 'req',
        baseline: UNSTAGGERED_MAX_IN_1_S,
        ratio: restart.max1s / UNSTAGGERED_MAX_IN_1_S,
        goal: 'shown (pass at start kept)',
        met: null,
        note: `the first ${restartSeconds} s after startApp on the same database, down ${reconcileMs / 1000 + 1} s before (every lease run out): ${afterRestart.length} requests over ${restartWalkS.toFixed(1)} s (${routeList(restartRoutes)}): the pass at start walks every tenant once, one request in flight, as before; then the slots; load at end ${loadAverage()}`,
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
