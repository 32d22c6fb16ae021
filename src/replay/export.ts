/**
 * `--json` / `--csv` exports of a replay, streamed: each item is written as it is produced (pass `writer.write` as
 * the replay's `onItem`), and a write that fills the stream's buffer waits for 'drain', so a range of a million
 * events is exported in constant memory however slow the destination.
 *
 * NDJSON: one `{"kind":"item",...}` object per line, then one `{"kind":"summary",...}` line with the counts.
 * CSV (`export/csv.ts`: RFC 4180, formula-safe cells): a header row, one row per item; the summary is not a row (a
 * spreadsheet wants one table).
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { csvLine } from '../export/csv';
import type { ReplayItem, ReplayReport } from './replay-report';

export interface ReplayItemWriter {
  write(item: ReplayItem): Promise<void>;
  /** Writes the closing part (the NDJSON summary line; the CSV header of an empty export). The caller ends `out`. */
  finish(report: ReplayReport): Promise<void>;
}

export const CSV_COLUMNS: ReadonlyArray<keyof ReplayItem> = [
  'eventId',
  'receivedAt',
  'graphTime',
  'tenantId',
  'userId',
  'userPrincipalName',
  'displayName',
  'outcome',
  'ruleId',
  'severity',
  'title',
  'dedupeKey',
  'alertId',
  'delivery',
];

export function createNdjsonWriter(out: Writable): ReplayItemWriter {
  return {
    write: (item) => writeChunk(out, `${JSON.stringify({ kind: 'item', ...item })}\n`),
    finish: async (report) => {
      const { items: _items, ...summary } = report;
      await writeChunk(out, `${JSON.stringify({ kind: 'summary', ...summary })}\n`);
    },
  };
}

export function createCsvWriter(out: Writable): ReplayItemWriter {
  let headerWritten = false;
  const header = async () => {
    if (headerWritten) return;
    headerWritten = true;
    await writeChunk(out, csvLine(CSV_COLUMNS));
  };
  return {
    write: async (item) => {
      await header();
      await writeChunk(out, csvLine(CSV_COLUMNS.map((column) => item[column])));
    },
    // An empty replay still produces a valid file with its header.
    finish: () => header(),
  };
}

/** Honours backpressure: resolves when the chunk is buffered below the high-water mark (or the stream drained). */
async function writeChunk(out: Writable, chunk: string): Promise<void> {
  if (out.destroyed || out.writableEnded) throw new Error('the export destination is closed');
  if (out.write(chunk)) return;
  // Rejects if the stream errors while we wait, instead of hanging.
  await once(out, 'drain');
}
