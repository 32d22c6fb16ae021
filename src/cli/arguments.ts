/**
 * Parsers for CLI option values. Commander hands options over as strings; each parser turns one into a typed value
 * or throws a `UsageError` that names the option, the bad value and a right one.
 */
import { InvalidArgumentError } from 'commander';

/** A whole number ≥ 0, for counts of licenses and accounts. */
export function nonNegativeInteger(option: string, example: string): (value: string) => number {
  return (value: string) => {
    if (!/^\d+$/.test(value.trim())) {
      throw new InvalidArgumentError(
        `${option} takes a whole number of 0 or more, got ${JSON.stringify(value)} (example: ${option} ${example}).`,
      );
    }
    const n = Number(value.trim());
    if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`${option} ${value} is too large.`);
    return n;
  };
}

/** A TCP port (0 lets the system choose). */
export function port(option: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n > 65535) {
      throw new InvalidArgumentError(
        `${option} takes a port number from 0 to 65535, got ${JSON.stringify(value)} (example: ${option} 4000).`,
      );
    }
    return n;
  };
}

/** A repeatable, comma-separated option (`--tenant a --tenant b,c`): every item, trimmed, empty ones dropped. */
export function commaList(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  ];
}
