/**
 * The parts of a running app in the order they were started (the store opened, the port bound, a loop running),
 * each with how to stop it. There is no second list to keep in step by hand: whatever was started is stopped, last
 * started first, so nothing is closed while a later part still uses it; and a start that fails halfway stops what it
 * had already started, so a refused port does not leave the store open behind it.
 */
import type { Logger } from './logger';

export interface StartedParts {
  /** Start one part, remember how to stop it, and give back what the start made (a database, a server address). */
  start<T>(name: string, start: () => T | Promise<T>, stop: (started: T) => unknown): Promise<T>;
  /** A background loop as a part: `loop.start()` now, `loop.stop()` (which lets its in-flight work finish) later. */
  startLoop(name: string, loop: { start(): unknown; stop(): unknown }): Promise<void>;
  /**
   * Stop every started part, last started first. Idempotent. A part that fails to stop is logged and the others
   * still stop: one failing must not keep the store open.
   */
  stopAll(): Promise<void>;
}

export function createStartedParts(logger: Logger): StartedParts {
  const started: Array<{ name: string; stop: () => unknown }> = [];
  let stopping: Promise<void> | null = null;
  return {
    async start(name, start, stop) {
      if (stopping !== null) throw new Error(`cannot start ${name}: the app is stopping`);
      const value = await start();
      started.push({ name, stop: () => stop(value) });
      return value;
    },
    async startLoop(name, loop) {
      await this.start(
        name,
        () => loop.start(),
        () => loop.stop(),
      );
    },
    stopAll() {
      stopping ??= (async () => {
        for (const part of started.reverse()) {
          try {
            await part.stop();
          } catch (err) {
            logger.error({ err, part: part.name }, 'stopping a part of ra-watch failed');
          }
        }
      })();
      return stopping;
    },
  };
}
