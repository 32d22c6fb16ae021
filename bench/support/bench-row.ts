/**
 * One line of `npm run bench`'s table. Every benchmark prints its rows as one JSON line (`--json`) so the runner
 * can gather them from a child process; absolute figures vary between machines, so each figure stands next to a
 * baseline measured in the same run where one exists, and the goal says what "good" means.
 */
import { z } from 'zod';

export const benchRowSchema = z.object({
  /** What was measured ("ingest notifications/s, 64 connections"). */
  what: z.string(),
  figure: z.number(),
  unit: z.string(),
  /** The same measure of the plain alternative in the same run (bare node:http, plain paging...), when there is one. */
  baseline: z.number().nullable(),
  /** figure / baseline, or the ratio the goal is stated on. */
  ratio: z.number().nullable(),
  goal: z.string(),
  /** null: nothing to judge (a figure shown for comparison only). */
  met: z.boolean().nullable(),
  note: z.string().optional(),
});
export type BenchRow = z.infer<typeof benchRowSchema>;

/** The marker that starts a bench's machine-readable line among its human-readable output. */
export const JSON_MARKER = 'BENCH_ROWS ';

export function printRows(rows: BenchRow[]): void {
  if (process.argv.includes('--json')) console.log(JSON_MARKER + JSON.stringify(rows));
  else for (const row of rows) console.log(formatRow(row));
}

export function formatRow(row: BenchRow): string {
  const num = (value: number | null, digits = 0) =>
    value === null ? '-' : value.toLocaleString('en', { maximumFractionDigits: digits });
  return (
    `${row.what.padEnd(58)} ${`${num(row.figure, 2)} ${row.unit}`.padStart(18)}  base ${num(row.baseline, 2).padStart(10)}` +
    `  ratio ${num(row.ratio, 2).padStart(6)}  goal ${row.goal.padEnd(18)} ${row.met === null ? '' : row.met ? 'met' : 'NOT met'}`
  );
}

export function argValue(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  if (at === -1) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isFinite(value)) throw new Error(`${name} needs a number, got ${process.argv[at + 1]}`);
  return value;
}
