/**
 * Where commands write. Every command that reports takes `--json` and then prints exactly one JSON document on
 * stdout (scripts parse it); human text goes to stdout otherwise, diagnostics always to stderr.
 */
export interface Output {
  text(line: string): void;
  json(value: unknown): void;
  error(line: string): void;
}

export const processOutput: Output = {
  text: (line) => process.stdout.write(`${line}\n`),
  json: (value) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
  error: (line) => process.stderr.write(`${line}\n`),
};
