/**
 * `npm run bench`: every benchmark, each in its own child process, one after the other (they would skew each other
 * side by side), then one table: what, figure, baseline measured in the same run, ratio, goal, met. The table goes
 * to stdout (`--json`: one JSON document instead) and to bench/RESULTS.md with the machine and the date.
 *
 *   npm run bench [-- --quick] [-- --json] [-- --only e2e,audit,swap]
 *
 * `--quick` runs each with small counts (a few minutes in all on a loaded two-core machine instead of the better
 * part of an hour); RESULTS.md says which was run. Every load is bounded: counts and durations are fixed by the
 * flags below, and each child is killed after its time limit.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchRowSchema, formatRow, JSON_MARKER, type BenchRow } from './support/bench-row';
import { ingestRows, replayRows } from './support/parse-bench-output';

interface BenchSpec {
  name: string;
  script: string;
  full: string[];
  quick: string[];
  /** Rows from the captured stdout. */
  rows: (stdout: string) => BenchRow[];
  limitMinutes: { full: number; quick: number };
}

function jsonRows(stdout: string): BenchRow[] {
  const line = stdout.split('\n').find((l) => l.startsWith(JSON_MARKER));
  if (line === undefined) return [];
  return benchRowSchema.array().parse(JSON.parse(line.slice(JSON_MARKER.length)));
}

const BENCHES: BenchSpec[] = [
  {
    name: 'ingest',
    script: 'ingest.js',
    full: [],
    quick: ['--duration', '3', '--burst', '5000'],
    rows: ingestRows,
    limitMinutes: { full: 10, quick: 3 },
  },
  {
    name: 'e2e',
    script: 'e2e.js',
    full: ['--json'],
    quick: ['--json', '--seconds', '10', '--burst', '200'],
    rows: jsonRows,
    limitMinutes: { full: 15, quick: 4 },
  },
  {
    name: 'audit',
    script: 'audit.js',
    full: ['--json'],
    quick: ['--json', '--users', '30000'],
    rows: jsonRows,
    limitMinutes: { full: 45, quick: 4 },
  },
  {
    name: 'replay',
    script: 'replay.js',
    full: [],
    quick: ['--events', '100000'],
    rows: replayRows,
    limitMinutes: { full: 20, quick: 4 },
  },
  {
    name: 'swap',
    script: 'swap.js',
    // Simulated time: a burst of 200 swaps against Graph's audit latency runs in well under a minute either way.
    full: ['--json'],
    quick: ['--json'],
    rows: jsonRows,
    limitMinutes: { full: 5, quick: 5 },
  },
  {
    name: 'queue',
    script: 'queue.js',
    full: ['--json'],
    quick: ['--json', '--messages', '1000'],
    rows: jsonRows,
    limitMinutes: { full: 10, quick: 4 },
  },
  {
    name: 'replicas',
    script: 'replicas.js',
    full: ['--json'],
    quick: ['--json', '--users', '1000'],
    rows: jsonRows,
    limitMinutes: { full: 15, quick: 8 },
  },
  {
    name: 'tenants',
    script: 'tenants.js',
    full: ['--json'],
    quick: ['--json', '--tenants', '50', '--rest-seconds', '15'],
    rows: jsonRows,
    limitMinutes: { full: 5, quick: 3 },
  },
  {
    name: 'neighbour',
    script: 'neighbour.js',
    full: ['--json'],
    quick: ['--json', '--storm', '1000'],
    rows: jsonRows,
    limitMinutes: { full: 5, quick: 3 },
  },
];

interface BenchRun {
  name: string;
  args: string[];
  seconds: number;
  exitCode: number | null;
  rows: BenchRow[];
  problem: string | null;
}

/** Runs one bench; its stderr (progress) and text stdout are passed through to our stderr as it goes. */
function runBench(spec: BenchSpec, quick: boolean): Promise<BenchRun> {
  const args = quick ? spec.quick : spec.full;
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(__dirname, spec.script), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      for (const line of chunk.toString().split('\n'))
        if (line !== '' && !line.startsWith(JSON_MARKER)) process.stderr.write(`  [${spec.name}] ${line}\n`);
    });
    child.stderr.on('data', (chunk: Buffer) =>
      process.stderr.write(chunk.toString().replace(/^(?=.)/gm, `  [${spec.name}] `)),
    );
    const limitMs = (quick ? spec.limitMinutes.quick : spec.limitMinutes.full) * 60_000;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
    }, limitMs);
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      let rows: BenchRow[] = [];
      let problem: string | null = timedOut
        ? `stopped after its ${limitMs / 60_000} min limit`
        : exitCode === 0
          ? null
          : `exited with ${exitCode}`;
      try {
        rows = spec.rows(stdout);
      } catch (error) {
        problem = `${problem ?? ''} unreadable output: ${String(error)}`.trim();
      }
      if (rows.length === 0 && problem === null) problem = 'printed no figures';
      resolve({ name: spec.name, args, seconds: (Date.now() - started) / 1000, exitCode, rows, problem });
    });
  });
}

function machine(): Record<string, string> {
  const cpus = os.cpus();
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
  return {
    date: new Date().toISOString(),
    cpus: `${cpus.length} × ${cpus[0]?.model ?? 'unknown'} (${cpus[0]?.speed ?? '?'} MHz)`,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB total, ${(os.freemem() / 2 ** 30).toFixed(1)} GiB free at start`,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    'load average at start (1 / 5 / 15 min)': load,
  };
}

const cell = (value: number | null, digits = 2) =>
  value === null || Number.isNaN(value) ? '–' : value.toLocaleString('en', { maximumFractionDigits: digits });

function markdown(mode: string, host: Record<string, string>, runs: BenchRun[], loadAtEnd: string): string {
  const lines = [
    '# Benchmark results',
    '',
    `Latest \`npm run bench${mode === 'quick' ? ' -- --quick' : ''}\` (${mode} run), written by bench/run.ts. Figures vary between machines;`,
    'each stands next to a baseline measured in the same run. The machine is shared: the load average says how busy it was.',
    '',
    ...Object.entries(host).map(([k, v]) => `- ${k}: ${v}`),
    `- load average at the end: ${loadAtEnd}`,
    '',
    '| what | figure | baseline | ratio | goal | met? | note |',
    '|---|---:|---:|---:|---|---|---|',
  ];
  for (const run of runs) {
    for (const r of run.rows)
      lines.push(
        `| ${r.what} | ${cell(r.figure)} ${r.unit} | ${cell(r.baseline)} | ${cell(r.ratio)} | ${r.goal} | ${r.met === null ? '–' : r.met ? 'met' : '**not met**'} | ${(r.note ?? '').replace(/\|/g, '/')} |`,
      );
  }
  lines.push('', '## Runs', '');
  for (const run of runs)
    lines.push(
      `- ${run.name}: \`node dist/bench/${run.name}.js ${run.args.join(' ')}\`, ${run.seconds.toFixed(0)} s${run.problem === null ? '' : `, **${run.problem}**`}`,
    );
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const json = process.argv.includes('--json');
  const onlyAt = process.argv.indexOf('--only');
  const only = onlyAt === -1 ? null : new Set((process.argv[onlyAt + 1] ?? '').split(','));
  const host = machine();
  process.stderr.write(
    `bench (${quick ? 'quick' : 'full'}): ${host.cpus}, ${host.memory}, Node ${host.node}, load average ${host['load average at start (1 / 5 / 15 min)']}\n`,
  );

  const runs: BenchRun[] = [];
  for (const spec of BENCHES) {
    if (only !== null && !only.has(spec.name)) continue;
    process.stderr.write(`== ${spec.name} ==\n`);
    runs.push(await runBench(spec, quick));
  }
  const loadAtEnd = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');

  const mode = quick ? 'quick' : 'full';
  if (json) console.log(JSON.stringify({ mode, machine: host, loadAtEnd, runs }, null, 2));
  else {
    console.log(`${'what'.padEnd(58)} ${'figure'.padStart(18)}  base(line), ratio, goal, met?`);
    for (const run of runs) {
      for (const row of run.rows) console.log(formatRow(row));
      if (run.problem !== null) console.log(`  ${run.name}: ${run.problem}`);
    }
  }
  // A partial run (--only) must not overwrite the full table.
  if (only === null)
    fs.writeFileSync(
      path.join(__dirname, '..', '..', 'bench', 'RESULTS.md'),
      markdown(mode, host, runs, loadAtEnd),
    );
  if (runs.some((r) => r.problem !== null)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
