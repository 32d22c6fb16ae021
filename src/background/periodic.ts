/**
 * The one background-loop primitive: run `run`, wait, run again, until stopped. Every long-lived loop of the service
 * (retention, digest, outbox, renewal, delta reconcile, lease renewal) is one of these, so they all start, stop and
 * fail the same way:
 *
 * - The next run is scheduled when the previous one has finished, never on a fixed clock: a slow run (a throttled
 *   Graph, a large purge) can neither overlap the next nor queue several up behind it.
 * - A run that throws is logged with `{ err }` and the loop keeps going; the next run is the retry.
 * - `start()` and `stop()` are idempotent; `stop()` cancels the wait and resolves once the run in progress is done,
 *   so shutdown drains instead of cutting a run off half-way.
 * - The wait is unref'd by default: a loop waiting for its next round never holds the process open on its own.
 */
import { describeError } from '../errors';
import type { Logger } from '../logger';

export interface PeriodicOptions<T> {
  /** What the loop does, for the logs: "<name> failed; the loop keeps going". */
  name: string;
  logger: Logger;
  /**
   * The wait between the end of one run and the start of the next, or a function of the last run's result for loops
   * whose pace depends on what they found (null when there is none: before the first run, or after a failure).
   */
  intervalMs: number | ((last: T | null) => number);
  run: () => Promise<T>;
  /** Run once at `start()` (a restarted process catches up at once) rather than after the first interval. */
  runAtStart?: boolean;
  /** False keeps the process alive while the loop waits (default true). */
  unref?: boolean;
  /** More fields for the failure's log line (which lease, which tenant). */
  logFields?: Record<string, unknown>;
  /** How a failure reads in the log (default: the error's message); a loop whose errors may carry URLs redacts. */
  describe?: (error: unknown) => string;
}

export interface Periodic {
  /** Idempotent. (Function properties, not methods: callers hand them on as `start: loop.start`.) */
  start: () => void;
  /** Idempotent; cancels the wait and resolves when the run in progress has finished. */
  stop: () => Promise<void>;
}

export function periodic<T>(options: PeriodicOptions<T>): Periodic {
  const describe = options.describe ?? describeError;
  // Bumped by every start() and stop(): a run that ends after a stop (or after a stop and a new start) must not
  // schedule a second chain of timers next to the current one.
  let generation = 0;
  let started = false;
  let busy = false;
  let timer: NodeJS.Timeout | null = null;
  let inFlight: Promise<void> = Promise.resolve();

  const nextDelay = (last: T | null): number =>
    typeof options.intervalMs === 'number' ? options.intervalMs : options.intervalMs(last);

  const schedule = (gen: number, delayMs: number): void => {
    if (!started || gen !== generation) return;
    timer = setTimeout(() => tick(gen), delayMs);
    if (options.unref !== false) timer.unref();
  };

  const runOnce = (): Promise<T> => {
    try {
      return options.run();
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  };

  function tick(gen: number): void {
    timer = null;
    busy = true;
    inFlight = runOnce().then(
      (result) => {
        busy = false;
        schedule(gen, nextDelay(result));
      },
      (error: unknown) => {
        busy = false;
        options.logger.error(
          { ...options.logFields, err: describe(error), loop: options.name },
          `${options.name} failed; the loop keeps going`,
        );
        schedule(gen, nextDelay(null));
      },
    );
  }

  const begin = (gen: number): void => {
    if (!started || gen !== generation) return;
    if (options.runAtStart === true) tick(gen);
    else schedule(gen, nextDelay(null));
  };

  return {
    start() {
      if (started) return;
      started = true;
      generation += 1;
      const gen = generation;
      // Started again before the last run of a stopped loop ended: begin after it, so runs never overlap.
      if (busy) void inFlight.then(() => begin(gen));
      else begin(gen);
    },
    async stop() {
      started = false;
      generation += 1;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      await inFlight;
    },
  };
}
