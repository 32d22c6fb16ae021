/**
 * Simulated time for a benchmark process: `Date` (the one clock the worker, the embedded queue's scheduled messages
 * and the simulator's audit and group-licensing lags read) is replaced by one that stands still until `advance`
 * moves it. Timers stay real, so sockets and the database behave as ever. A benchmark of minutes of Graph latency
 * then runs in seconds, and the figures are differences of simulated times: how fast this machine is does not enter
 * them (the tests do the same with jest's fake Date, test/worker/graph-time-harness.ts).
 */
const RealDate = Date;

export interface VirtualClock {
  now(): number;
  advance(ms: number): void;
  /** Puts the real `Date` back. */
  uninstall(): void;
}

export function installVirtualClock(startMs: number = RealDate.now()): VirtualClock {
  let current = startMs;
  class VirtualDate extends RealDate {
    constructor(...args: [] | [string | number | Date] | number[]) {
      if (args.length === 0) super(current);
      else if (args.length === 1) super(args[0]);
      else {
        const [y = 0, m = 0, d = 1, h = 0, mi = 0, s = 0, ms = 0] = args as number[];
        super(y, m, d, h, mi, s, ms);
      }
    }
    static override now(): number {
      return current;
    }
  }
  (globalThis as { Date: DateConstructor }).Date = VirtualDate as DateConstructor;
  return {
    now: () => current,
    advance(ms) {
      current += ms;
    },
    uninstall() {
      (globalThis as { Date: DateConstructor }).Date = RealDate;
    },
  };
}
