/**
 * CSV as ra-watch writes it (RFC 4180: comma-separated, CRLF line ends, a cell quoted when it holds a quote, comma or
 * line break), for every export a spreadsheet opens: the replay's `--csv` stream and the audit's `--csv` report.
 *
 * Cells that a spreadsheet would run as a formula (=, +, -, @, tab or CR first) are prefixed with a quote: titles and
 * display names come from the tenant, which anyone in it can set, and a name starting with `=` must not run in Excel.
 */

export type CsvValue = string | number | null;

/** One cell: null is empty, a formula-like string is defused, then quoted if it needs to be. */
export function csvCell(value: CsvValue): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One line, CRLF included. Headers go through it too (column names are plain words, so they come out as they are). */
export function csvLine(cells: readonly CsvValue[]): string {
  return `${cells.map((cell) => csvCell(cell)).join(',')}\r\n`;
}

/** A whole table held in memory: the header line, then one line per row. */
export function csvTable(columns: readonly string[], rows: ReadonlyArray<readonly CsvValue[]>): string {
  return [columns, ...rows].map((row) => csvLine(row)).join('');
}
