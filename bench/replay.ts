/**
 * Replay benchmark (issue 9): a dry-run replay of 1,000,000 stored events on SQLite, against a bare scan of the same
 * rows (the store's own paged query, nothing done with the rows) in the same run, plus peak RSS.
 * Goals: ≥ 20,000 events/s, replay ≤ 2 × the bare scan, peak RSS < 300 MB.
 *
 *   npm run build && node dist/bench/replay.js [--events 1000000] [--tenant]
 *
 * Seeding goes through the same Database with direct multi-row INSERTs (the worker's one-transaction-per-observation
 * path would take hours for a million events and measures something else); alerts, identifications and snapshots
 * go through the Store port. It runs in a child process, so the peak RSS reported is the measuring process's own.
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LicenseChange, UserSnapshot } from '../src/glossary';
import { RA_SKU_ID, TEAMS_PHONE_STANDARD_SKU_ID, OFFICE_365_E5_SKU_ID } from '../src/licensing/catalog-data';
import { createLicenseCatalog } from '../src/licensing/license-catalog';
import { silentLogger } from '../src/logger';
import { evaluateAccount } from '../src/rules/evaluate';
import { replay } from '../src/replay/replay';
import { openDatabase } from '../src/store/database';
import { createStore } from '../src/store/sql-store';
import type { Store } from '../src/store/store';
import { inTransaction } from '../src/store/transaction';

const TENANT = '5f1c9a3e-7d2b-4c8e-9a61-3b0d4e2f8c17';
const USERS = 20_000;
/** One account in 40 is a resource account (identified through the store's identifications). */
const RA_EVERY = 40;
const FROM = '2026-10-01T00:00:00.000Z';
const TO = '2026-11-01T00:00:00.000Z';
const PAGE = 1000;
const catalog = createLicenseCatalog([]);

function argValue(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
}

/**
 * `--tenant` narrows both scans to the tenant. Off by default: the CLI's default selection is the whole log, and on
 * the current schema a tenant-filtered page sorts the tenant's whole range (no (tenant_id, id) index), see report.
 */
function tenantFilter(): { tenantId?: string } {
  return process.argv.includes('--tenant') ? { tenantId: TENANT } : {};
}

function userId(n: number): string {
  return `${(n + 0x10000000).toString(16)}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

function snapshot(n: number, skuIds: string[], observedAt: string): UserSnapshot {
  const ra = n % RA_EVERY === 0;
  return {
    tenantId: TENANT,
    userId: userId(n),
    displayName: ra ? `Queue ${n}` : `User ${n}`,
    userPrincipalName: `${ra ? 'ra' : 'user'}${n}@contoso.onmicrosoft.com`,
    accountEnabled: !ra,
    department: ra ? 'Microsoft Communication Application Instance' : 'Sales',
    assignedLicenses: skuIds.map((skuId) => ({ skuId, disabledPlans: [] })),
    licenseAssignmentStates: [],
    deleted: false,
    observedAt,
  };
}

/** Resource accounts cycle RA → none → Standard → RA (findings on most events); users toggle E5 plans. */
function licensesAt(n: number, step: number): string[] {
  if (n % RA_EVERY !== 0)
    return step % 2 === 0 ? [OFFICE_365_E5_SKU_ID] : [OFFICE_365_E5_SKU_ID, TEAMS_PHONE_STANDARD_SKU_ID];
  return [[RA_SKU_ID], [], [TEAMS_PHONE_STANDARD_SKU_ID], [RA_SKU_ID]][step % 4]!;
}

async function seed(file: string, events: number): Promise<void> {
  const database = await openDatabase(`sqlite:${file}`);
  const store = createStore(database);
  const span = Date.parse(TO) - Date.parse(FROM);
  const batch = 200;
  for (let start = 0; start < events; start += 50_000) {
    await inTransaction(database, async (trx) => {
      for (let i = start; i < Math.min(start + 50_000, events); i += batch) {
        const rows = [];
        for (let k = i; k < Math.min(i + batch, events); k += 1) {
          const n = k % USERS;
          const step = Math.floor(k / USERS);
          const receivedAt = new Date(Date.parse(FROM) + Math.floor((k / events) * span)).toISOString();
          const before = snapshot(n, licensesAt(n, step), receivedAt);
          const after = snapshot(n, licensesAt(n, step + 1), receivedAt);
          const change: LicenseChange = {
            tenantId: TENANT,
            userId: userId(n),
            before,
            after,
            addedSkuIds: after.assignedLicenses
              .map((l) => l.skuId)
              .filter((s) => !before.assignedLicenses.some((b) => b.skuId === s)),
            removedSkuIds: before.assignedLicenses
              .map((l) => l.skuId)
              .filter((s) => !after.assignedLicenses.some((a) => a.skuId === s)),
            receivedAt,
            graphTime: null,
            source: { kind: 'notification', subscriptionId: 'sub-1', messageId: `m-${k}` },
            activities: [],
          };
          rows.push({
            tenant_id: TENANT,
            user_id: userId(n),
            subscription_id: 'sub-1',
            source_kind: 'notification',
            received_at: receivedAt,
            graph_time: null,
            recorded_at: receivedAt,
            change: JSON.stringify(change),
          });
        }
        await trx.insertInto('events').values(rows).execute();
      }
    });
  }
  // Today's knowledge and the alerts of the time, through the Store port.
  for (let n = 0; n < USERS; n += RA_EVERY) {
    const id = userId(n);
    await store.identifications.put({
      tenantId: TENANT,
      userId: id,
      isResourceAccount: true,
      identifiedBy: 'teams-user-configuration',
      detail: 'accountType=resourceAccount',
      application: 'call-queue',
      checkedAt: TO,
    });
    if (n % (RA_EVERY * 2) === 0) {
      const unlicensed = snapshot(n, [], FROM);
      const findings = evaluateAccount({
        snapshot: unlicensed,
        resourceAccount: {
          tenantId: TENANT,
          userId: id,
          identifiedBy: 'teams-user-configuration',
          detail: '',
          application: 'call-queue',
        },
        catalog,
      });
      await store.recordObservation(
        { scope: { tenantId: TENANT, userId: id, ruleIds: [] }, findings, at: FROM },
        () => ['log'],
      );
    }
  }
  await database.close();
}

async function measure(file: string, events: number): Promise<void> {
  const database = await openDatabase(`sqlite:${file}`);
  const store = createStore(database);
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

  const bare = await timed(() => bareScan(store));
  const dry = await timed(() =>
    replay(
      { store, catalogFor: () => catalog, logger: silentLogger(), now: () => new Date(TO) },
      { from: FROM, to: TO, ...tenantFilter() },
      { routing: () => ['log'], by: 'bench', pageSize: PAGE, itemLimit: 100 },
    ),
  );
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024);
  await database.close();

  const eventsPerSecond = Math.round(dry.result.replayed / dry.seconds);
  const ratio = dry.seconds / bare.seconds;
  const mb = Math.round(peakRss / 1024 / 1024);
  console.log(
    `replay bench (SQLite, ${events.toLocaleString('en')} events${process.argv.includes('--tenant') ? ', tenant-filtered' : ''}, ${USERS.toLocaleString('en')} accounts, page ${PAGE}, ${os.cpus().length} cores)`,
  );
  console.log(
    `  bare scan : ${bare.result.toLocaleString('en')} rows in ${bare.seconds.toFixed(2)} s, CPU ${bare.cpuSeconds.toFixed(2)} s (${Math.round(bare.result / bare.seconds).toLocaleString('en')} rows/s)`,
  );
  console.log(
    `  dry run   : ${dry.result.replayed.toLocaleString('en')} events in ${dry.seconds.toFixed(2)} s, CPU ${dry.cpuSeconds.toFixed(2)} s (${eventsPerSecond.toLocaleString('en')} events/s, goal ≥ 20,000) ${eventsPerSecond >= 20_000 ? 'OK' : 'MISSED'}`,
  );
  console.log(`  outcomes  : ${JSON.stringify(dry.result.outcomes)}`);
  console.log(`  ratio     : ${ratio.toFixed(2)} × bare scan (goal ≤ 2) ${ratio <= 2 ? 'OK' : 'MISSED'}`);
  console.log(
    `  by CPU    : ${Math.round(dry.result.replayed / dry.cpuSeconds).toLocaleString('en')} events per CPU-second, ${(dry.cpuSeconds / bare.cpuSeconds).toFixed(2)} × bare scan; load average ${os.loadavg()[0]!.toFixed(1)}`,
  );
  console.log(`  peak RSS  : ${mb} MB (goal < 300) ${mb < 300 ? 'OK' : 'MISSED'}`);
}

async function bareScan(store: Store): Promise<number> {
  let rows = 0;
  // Always a keyset bound, even for the first page (ids start at 1): with `id > ?` in the query the engine can
  // walk an (…, id) index in order instead of sorting the whole range for every page.
  let afterId = 0;
  for (;;) {
    const page = await store.events.query({
      from: FROM,
      to: TO,
      ...tenantFilter(),
      afterId,
      limit: PAGE,
    });
    rows += page.length;
    if (page.length < PAGE) return rows;
    afterId = page[page.length - 1]!.id;
  }
}

/** Wall time, and this process's CPU time (user + system): on a shared machine the CPU figure is the steadier one. */
async function timed<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number; cpuSeconds: number }> {
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const result = await work();
  const used = process.cpuUsage(cpu);
  return {
    result,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    cpuSeconds: (used.user + used.system) / 1e6,
  };
}

async function main(): Promise<void> {
  const events = argValue('--events', 1_000_000);
  const seedAt = process.argv.indexOf('--seed');
  if (seedAt !== -1) return seed(process.argv[seedAt + 1]!, events);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ra-watch-replay-bench-'));
  const file = path.join(dir, 'bench.db');
  try {
    const started = Date.now();
    await new Promise<void>((resolve, reject) => {
      const child = fork(__filename, ['--seed', file, '--events', String(events)], { stdio: 'inherit' });
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`seeding exited with ${code}`))));
    });
    console.log(
      `seeded ${events.toLocaleString('en')} events in ${((Date.now() - started) / 1000).toFixed(1)} s (direct multi-row INSERT through the same Database)`,
    );
    await measure(file, events);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
