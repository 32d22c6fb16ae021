/**
 * A sampler for log lines a flood can trigger (refused requests, issue 18): the first `first` lines are written,
 * then one per `intervalMs`, and each written line says how many were left out since the previous one. Twenty
 * thousand refusals then write a few dozen lines, and the count still tells the operator how large the flood was.
 */

export interface SampledLogOptions {
  /** Lines written before sampling starts (the bucket's size). Default 20. */
  first?: number;
  /** After that, one line per this many milliseconds. Default 1000. */
  intervalMs?: number;
  /** Clock in milliseconds (tests). */
  now?: () => number;
}

/** Calls `write` with the number of lines left out since the last one written, or not at all. */
export type SampledLog = (write: (suppressed: number) => void) => void;

export function createSampledLog(options: SampledLogOptions = {}): SampledLog {
  const first = options.first ?? 20;
  const intervalMs = options.intervalMs ?? 1000;
  const now = options.now ?? Date.now;
  let tokens = first;
  let at = now();
  let suppressed = 0;
  return (write) => {
    const t = now();
    tokens = Math.min(first, tokens + (t - at) / intervalMs);
    at = t;
    if (tokens < 1) {
      suppressed += 1;
      return;
    }
    tokens -= 1;
    const left = suppressed;
    suppressed = 0;
    write(left);
  };
}
