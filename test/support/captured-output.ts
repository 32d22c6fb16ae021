/** An `Output` that keeps what a CLI command printed, so tests can read it back. */
import type { Output } from '../../src/cli/output';

export interface CapturedOutput extends Output {
  readonly lines: string[];
  readonly errors: string[];
  readonly documents: unknown[];
  /** Everything printed on "stdout" as one string. */
  stdout(): string;
}

export function captureOutput(): CapturedOutput {
  const lines: string[] = [];
  const errors: string[] = [];
  const documents: unknown[] = [];
  return {
    lines,
    errors,
    documents,
    text: (line) => lines.push(line),
    json: (value) => {
      // Round-trip like the real output does, so a value that cannot be serialised fails here too.
      documents.push(JSON.parse(JSON.stringify(value)));
    },
    error: (line) => errors.push(line),
    stdout: () => lines.join('\n'),
  };
}
