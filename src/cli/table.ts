/**
 * Human tables: a header row of column names, then one row per item, columns padded to their widest cell, two
 * spaces apart, as `az -o table` and `gh` print them. Cells are made printable first (terminal-text.ts), so the
 * padding is measured on what the terminal shows and tenant data cannot move the cursor.
 */
import type { CsvValue } from '../export/csv';
import { printable } from './terminal-text';

/** A cell as shown: null is an empty cell, line breaks become spaces (one row is one line); a tab stays, as in the text it came from. */
function shown(value: CsvValue): string {
  if (value === null) return '';
  return printable(String(value)).replace(/[\r\n]+/g, ' ');
}

/** The table's lines, header first. The last column is not padded (no trailing spaces). */
export function formatTable(columns: readonly string[], rows: ReadonlyArray<readonly CsvValue[]>): string[] {
  const cells = [columns.map((c) => c.toUpperCase()), ...rows.map((row) => row.map(shown))];
  const widths = columns.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  return cells.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}
