/**
 * Audit benchmark (issue 11): the full-tenant audit of a simulated 300,000-user tenant against plain paging of the
 * same users delta with fetch (what any script reading the tenant pays), same simulator, same run; plus the peak RSS
 * of the measuring process.
 * Goals: audit ≤ 1.3 × plain paging, peak RSS < 300 MB.
 *
 *   npm run build && node dist/bench/audit.js [--users 300000] [--page-size 200] [--json]
 *
 * The simulator runs in a child process (bench/support/simulator-process.ts) so that this process's RSS is the
 * audit's own. One account in 300 is a resource account (the audit asks Teams about each candidate). The audit runs
 * read-only (no `record`): what is timed is the scan, identification and evaluation, as the `audit` command does.
 *
 * Measured 2026-11-27 (2 shared cores, load average 11-15): 30,000 users, audit 9.2 s vs paging 8.6 s (1.07), peak
 * RSS 133 MB. At 300,000 users the simulator itself is the bottleneck: seeding took 103 s and plain paging 715 s
 * (476 ms a page of 200, against 57 ms at 30,000: its delta page costs grow with the tenant), the audit after it
 * 356 s (ratio 0.50: the two runs' simulator cost differs, not a real speed-up), peak RSS 208 MB. So `npm run bench
 * -- --quick` runs 30,000, and the full run needs about 20 minutes here; at 300k the ratio measures the simulator.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { runTenantAudit } from '../src/tenant-audit/tenant-audit';
import { createGraphReader } from '../src/graph/client/graph-reader-client';
import { DELTA_SELECT } from '../src/graph/client/user-snapshot';
import { silentLogger } from '../src/logger';
import { openDatabase } from '../src/store/database';
import { createStore } from '../src/store/sql-store';
import { argValue, printRows, type BenchRow } from './support/bench-row';
import { startSimulatorProcess, type SimulatorProcess } from './support/simulator-process';

const RA_EVERY = 300;

const deltaPage = z.object({
  value: z.array(z.object({ id: z.string() }).passthrough()),
  '@odata.nextLink': z.string().optional(),
  '@odata.deltaLink': z.string().optional(),
});

/** The baseline: page through users delta with fetch, parse and validate each page, keep nothing. */
async function plainPaging(sim: SimulatorProcess): Promise<number> {
  let url: string | undefined = `${sim.url}/v1.0/users/delta?$select=${DELTA_SELECT}`;
  let users = 0;
  while (url !== undefined) {
    const response = await fetch(url, { headers: { authorization: `Bearer ${sim.token}` } });
    if (!response.ok) throw new Error(`users delta answered ${response.status}`);
    const page = deltaPage.parse(await response.json());
    users += page.value.length;
    if (page['@odata.deltaLink'] !== undefined) break;
    url = page['@odata.nextLink'];
  }
  return users;
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const started = process.hrtime.bigint();
  const result = await work();
  return { result, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

async function main(): Promise<void> {
  const users = argValue('--users', 300_000);
  const pageSize = argValue('--page-size', 200);
  const log = (line: string) => console.error(line);
  const sim = await startSimulatorProcess({
    users,
    resourceAccounts: Math.max(1, Math.floor(users / RA_EVERY)),
    responseLatencyMs: 0,
    deltaPageSize: pageSize,
    notificationLatencyMs: 0,
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ra-watch-audit-bench-'));
  const database = await openDatabase(`sqlite:${path.join(dir, 'bench.db')}`);
  try {
    log(
      `audit bench: simulator seeded with ${users.toLocaleString('en')} users in ${sim.seedSeconds.toFixed(1)} s (child process), page ${pageSize}`,
    );
    const store = createStore(database);
    const graph = createGraphReader({
      baseUrl: sim.url,
      tokenProvider: () => Promise.resolve(sim.token),
      logger: silentLogger(),
    });
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
    const bare = await timed(() => plainPaging(sim));
    log(`  plain paging: ${bare.result.toLocaleString('en')} users in ${bare.seconds.toFixed(2)} s`);
    const audit = await timed(() =>
      runTenantAudit({ store, graph, logger: silentLogger(), tenantId: sim.tenantId }),
    );
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024);
    log(
      `  audit       : ${audit.result.usersScanned.toLocaleString('en')} users, ${audit.result.pages} pages, ${audit.result.resourceAccounts.length} resource accounts, ` +
        `${audit.result.teamsLookups} Teams lookups, ${audit.result.findings.length} findings in ${audit.seconds.toFixed(2)} s`,
    );
    if (audit.result.usersScanned !== bare.result)
      throw new Error(`the audit saw ${audit.result.usersScanned} users, plain paging ${bare.result}`);
    const ratio = audit.seconds / bare.seconds;
    const mb = peakRss / 1024 / 1024;
    const label = `${users.toLocaleString('en')} users`;
    const rows: BenchRow[] = [
      {
        what: `audit of ${label} (s) vs plain delta paging`,
        figure: audit.seconds,
        unit: 's',
        baseline: bare.seconds,
        ratio,
        goal: '≤ 1.3 × paging',
        met: ratio <= 1.3,
        note: `${Math.round(users / audit.seconds).toLocaleString('en')} users/s; page ${pageSize}; ${audit.result.teamsLookups} Teams lookups`,
      },
      {
        what: `audit of ${label}: peak RSS of the measuring process`,
        figure: mb,
        unit: 'MB',
        baseline: rssBefore / 1024 / 1024,
        ratio: null,
        goal: '< 300 MB',
        met: mb < 300,
        note: 'baseline: RSS before the scans',
      },
    ];
    printRows(rows);
  } finally {
    await database.close();
    await sim.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
