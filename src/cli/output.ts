/**
 * Where commands write. Every command that reports takes `--json` and then prints exactly one JSON document on
 * stdout (scripts parse it); human text goes to stdout otherwise, diagnostics always to stderr. Nothing reaches the
 * terminal with control characters in it (terminal-text.ts): commands print tenant data.
 */
import { printable, printableJson } from './terminal-text';

export interface Output {
  text(line: string): void;
  json(value: unknown): void;
  error(line: string): void;
}

export const processOutput: Output = {
  text: (line) => process.stdout.write(`${printable(line)}\n`),
  json: (value) => process.stdout.write(`${printableJson(JSON.stringify(value, null, 2))}\n`),
  error: (line) => process.stderr.write(`${printable(line)}\n`),
};
