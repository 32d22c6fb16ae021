/**
 * `-o/--output table|json|csv`, the one output switch of every command that reports (as in `az`): `table` (the
 * default) for people, `json` for scripts (one JSON document on stdout; `--json` stays, the same as `-o json`),
 * `csv` for spreadsheets (src/export/csv.ts: RFC 4180, formula-safe cells). A command with nothing tabular to give
 * (an acknowledgement) offers `table` and `json` only, and says so when asked for csv.
 */
import { Option, type Command } from 'commander';
import { csvTable, type CsvValue } from '../export/csv';
import { UsageError } from './cli-error';
import type { Output } from './output';
import { formatTable } from './table';

export type ReportFormat = 'table' | 'json' | 'csv';

export interface FormatOptions {
  output?: string;
  json?: boolean;
  csv?: boolean;
}

const ALL: readonly ReportFormat[] = ['table', 'json', 'csv'];

/** Adds `-o/--output` (the formats given) and `--json` to `command`. */
export function outputOptions(command: Command, formats: readonly ReportFormat[] = ALL): Command {
  return command
    .addOption(new Option('-o, --output <format>', `output format: ${formats.join(', ')} (default table)`))
    .option('--json', 'the same as -o json: one JSON document on stdout');
}

/** The format asked for; a usage error (naming the flags) for an unknown one or two that disagree. */
export function reportFormat(options: FormatOptions, formats: readonly ReportFormat[] = ALL): ReportFormat {
  const asked: Array<{ flag: string; format: string }> = [];
  if (options.output !== undefined) asked.push({ flag: `-o ${options.output}`, format: options.output });
  if (options.json === true) asked.push({ flag: '--json', format: 'json' });
  if (options.csv === true) asked.push({ flag: '--csv', format: 'csv' });
  const wanted = asked[0]?.format ?? 'table';
  const conflict = asked.find((a) => a.format !== wanted);
  if (conflict !== undefined)
    throw new UsageError(`${asked[0]!.flag} and ${conflict.flag} disagree: choose one output format.`);
  const known = formats.find((f) => f === wanted);
  if (known === undefined)
    throw new UsageError(
      `-o/--output takes ${formats.join(', ')} here, got ${JSON.stringify(wanted)} (example: -o ${formats[1] ?? formats[0]}).`,
    );
  return known;
}

export interface TabularReport {
  columns: readonly string[];
  rows: ReadonlyArray<readonly CsvValue[]>;
  /** What `-o json` prints (the command's documented document, unchanged from its `--json`). */
  document: unknown;
  /** Printed instead of an empty table (with where the command looked, when it read the store). */
  empty: string;
}

/** Prints `report` in `format`: the table (or the empty message), the CSV with its header, or the JSON document. */
export function printTabular(output: Output, format: ReportFormat, report: TabularReport): void {
  if (format === 'json') return output.json(report.document);
  if (format === 'csv') return output.text(csvTable(report.columns, report.rows).trimEnd());
  if (report.rows.length === 0) return output.text(report.empty);
  for (const line of formatTable(report.columns, report.rows)) output.text(line);
}
