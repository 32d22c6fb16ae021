/**
 * Reads the figures of the two benchmarks that print text only (bench/ingest.ts, bench/replay.ts) into table rows,
 * so they keep their own output and flags untouched. A line that cannot be found (their format changed, the run
 * failed) gives a row saying so rather than a made-up figure.
 */
import type { BenchRow } from './bench-row';

const number = (text: string | undefined): number | null =>
  text === undefined ? null : Number(text.replace(/,/g, ''));

/** The last match of `pattern` in the output (ingest prints one line per round; the summary comes last). */
function last(output: string, pattern: RegExp): RegExpMatchArray | null {
  const all = [...output.matchAll(new RegExp(pattern.source, 'gm'))];
  return all.at(-1) ?? null;
}

function unreadable(what: string, goal: string): BenchRow {
  return {
    what,
    figure: NaN,
    unit: '',
    baseline: null,
    ratio: null,
    goal,
    met: false,
    note: 'figure not found in the bench output',
  };
}

const SERVER_LINE = (label: string) =>
  new RegExp(`^${label}\\s+(\\d+) req/s\\s+p50\\s+(\\d+) ms\\s+p99\\s+(\\d+) ms\\s+max\\s+(\\d+) ms`);

export function ingestRows(output: string): BenchRow[] {
  const bare = last(output, SERVER_LINE('bare node:http, read body, 202'));
  const real = last(output, SERVER_LINE('ra-watch \\(ingest \\+ embedded queue, SQLite FULL\\)'));
  const burst = last(
    output,
    /^burst of (\d+)\s+(\d+) req\/s\s+p50\s+(\d+) ms\s+p99\s+(\d+) ms\s+max\s+(\d+) ms/,
  );
  const slow = last(output, /^answers > 2,900 ms in burst (\d+)/);
  const durability = last(output, /^durability\s+(.*)$/);
  const alone = last(output, /^queue send alone \(no HTTP\), SQLite FULL\s+(\d+) msg\/s\s+(.*)$/);
  const rows: BenchRow[] = [];
  if (bare && real) {
    const [realRps, bareRps] = [number(real[1])!, number(bare[1])!];
    rows.push({
      what: 'ingest notifications/s, 64 conns, durable enqueue vs bare 202',
      figure: realRps,
      unit: 'req/s',
      baseline: bareRps,
      ratio: realRps / bareRps,
      goal: 'ratio ≥ 0.5',
      met: realRps / bareRps >= 0.5,
      ...(alone
        ? {
            note: `the queue's send alone (no HTTP): ${alone[1]} msg/s = ${(number(alone[1])! / bareRps).toFixed(2)} × bare; ${alone[2]}`,
          }
        : {}),
    });
    rows.push({
      what: 'ingest ack latency p99 (p50 in note) vs bare',
      figure: number(real[3])!,
      unit: 'ms',
      baseline: number(bare[3]),
      ratio: number(real[3])! / Math.max(1, number(bare[3])!),
      goal: 'p99 < 25 ms',
      met: number(real[3])! < 25,
      note: `p50 ${real[2]} ms (bare ${bare[2]} ms)`,
    });
  } else rows.push(unreadable('ingest notifications/s vs bare', 'ratio ≥ 0.5'));
  if (burst && slow) {
    rows.push({
      what: `ingest burst of ${number(burst[1])!.toLocaleString('en')}: answers over 2,900 ms`,
      figure: number(slow[1])!,
      unit: 'answers',
      baseline: null,
      ratio: null,
      goal: '0',
      met: number(slow[1]) === 0,
      note: `max ${burst[5]} ms, p99 ${burst[4]} ms; ${durability?.[1]?.trim() ?? ''}`,
    });
  } else rows.push(unreadable('ingest burst: answers over 2,900 ms', '0'));
  return rows;
}

export function replayRows(output: string): BenchRow[] {
  const bare = last(output, /^\s+bare scan : ([\d,]+) rows in ([\d.]+) s.*\(([\d,]+) rows\/s\)/);
  const dry = last(output, /^\s+dry run\s+: ([\d,]+) events in ([\d.]+) s.*\(([\d,]+) events\/s/);
  const rss = last(output, /^\s+peak RSS\s+: (\d+) MB/);
  const rows: BenchRow[] = [];
  if (bare && dry) {
    const events = number(dry[1])!;
    rows.push({
      what: `replay dry run of ${events.toLocaleString('en')} events: events/s vs bare scan`,
      figure: number(dry[3])!,
      unit: 'events/s',
      baseline: number(bare[3]),
      ratio: number(dry[3])! / number(bare[3])!,
      goal: '≥ 20,000/s',
      met: number(dry[3])! >= 20_000,
    });
    const ratio = number(dry[2])! / number(bare[2])!;
    rows.push({
      what: `replay dry run of ${events.toLocaleString('en')} events: time vs bare scan`,
      figure: number(dry[2])!,
      unit: 's',
      baseline: number(bare[2]),
      ratio,
      goal: '≤ 2 × scan',
      met: ratio <= 2,
    });
  } else rows.push(unreadable('replay dry run vs bare scan', '≤ 2 × scan, ≥ 20,000/s'));
  if (rss) {
    rows.push({
      what: 'replay dry run: peak RSS',
      figure: number(rss[1])!,
      unit: 'MB',
      baseline: null,
      ratio: null,
      goal: '< 300 MB',
      met: number(rss[1])! < 300,
    });
  }
  return rows;
}
