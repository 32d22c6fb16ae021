/**
 * The background-loop primitive, on real timers with short intervals. Nothing here asserts on how long anything
 * took: the tests wait for a number of runs, then look at what happened.
 */
import { periodic } from '../../src/background/periodic';
import { silentLogger, type Logger } from '../../src/logger';

interface Logged {
  fields: Record<string, unknown>;
  msg: string;
}

function capturingLogger(): { logger: Logger; errors: Logged[] } {
  const errors: Logged[] = [];
  const base = silentLogger();
  const logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: (fields: object, msg?: string) =>
      errors.push({ fields: fields as Record<string, unknown>, msg: msg ?? '' }),
    child: () => base,
  };
  return { logger, errors };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('periodic: one background loop', () => {
  it('runs at start when asked, logs a failed run with { err } and the loop name, and keeps going', async () => {
    const { logger, errors } = capturingLogger();
    let runs = 0;
    const loop = periodic({
      name: 'test round',
      logger,
      logFields: { lease: 'the-lease' },
      intervalMs: 5,
      runAtStart: true,
      run: () => {
        runs += 1;
        return runs === 2 ? Promise.reject(new Error('the store is down')) : Promise.resolve();
      },
    });
    loop.start();
    expect(runs).toBe(1); // at once, not after the first interval
    await until(() => runs >= 4, 'four runs');
    await loop.stop();
    expect(errors).toEqual([
      {
        fields: { lease: 'the-lease', err: 'the store is down', loop: 'test round' },
        msg: 'test round failed; the loop keeps going',
      },
    ]);
  });

  it('without runAtStart, waits one interval before the first run', async () => {
    let runs = 0;
    const loop = periodic({
      name: 'later',
      logger: silentLogger(),
      intervalMs: 60_000,
      run: () => Promise.resolve(void (runs += 1)),
    });
    loop.start();
    await new Promise((resolve) => setImmediate(resolve));
    await loop.stop();
    expect(runs).toBe(0);
  });

  it('never overlaps runs, and a second start() does not start a second loop', async () => {
    let active = 0;
    let most = 0;
    let runs = 0;
    const loop = periodic({
      name: 'serial',
      logger: silentLogger(),
      intervalMs: 0,
      runAtStart: true,
      run: async () => {
        active += 1;
        most = Math.max(most, active);
        runs += 1;
        await new Promise((resolve) => setTimeout(resolve, 2));
        active -= 1;
      },
    });
    loop.start();
    loop.start();
    await until(() => runs >= 10, 'ten runs');
    await loop.stop();
    expect(most).toBe(1);
  });

  it('stop() waits for the run in progress, then nothing more runs', async () => {
    const gate = deferred();
    let runs = 0;
    let finished = 0;
    const loop = periodic({
      name: 'slow',
      logger: silentLogger(),
      intervalMs: 0,
      runAtStart: true,
      run: async () => {
        runs += 1;
        await gate.promise;
        finished += 1;
      },
    });
    loop.start();
    let stopped = false;
    const stopping = loop.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    gate.resolve();
    await stopping;
    expect(finished).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(runs).toBe(1);
    await loop.stop(); // idempotent
  });

  it('can start again after a stop, with one loop even when the old run ends after the restart', async () => {
    const gate = deferred();
    let active = 0;
    let most = 0;
    let runs = 0;
    const loop = periodic({
      name: 'restart',
      logger: silentLogger(),
      intervalMs: 1,
      runAtStart: true,
      run: async () => {
        active += 1;
        most = Math.max(most, active);
        runs += 1;
        if (runs === 1) await gate.promise;
        active -= 1;
      },
    });
    loop.start();
    void loop.stop();
    loop.start(); // the first run is still in flight
    gate.resolve();
    await until(() => runs >= 8, 'eight runs');
    await loop.stop();
    expect(most).toBe(1);
    const settled = runs;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(runs).toBe(settled);
  });

  it('paces itself by the last result, and by null after a failure', async () => {
    const seen: Array<number | null> = [];
    let runs = 0;
    const loop = periodic<number>({
      name: 'paced',
      logger: silentLogger(),
      intervalMs: (last) => {
        seen.push(last);
        return 0;
      },
      runAtStart: true,
      run: () => {
        runs += 1;
        return runs === 2 ? Promise.reject(new Error('no')) : Promise.resolve(runs * 10);
      },
    });
    loop.start();
    await until(() => seen.length >= 3, 'three runs');
    await loop.stop();
    expect(seen.slice(0, 3)).toEqual([10, null, 30]);
  });

  it('does not hold the process open while it waits, unless told to', async () => {
    const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const unrefd = periodic({
      name: 'unref',
      logger: silentLogger(),
      intervalMs: 60_000,
      run: () => Promise.resolve(),
    });
    unrefd.start();
    expect(timers()).toBe(before);
    await unrefd.stop();

    const kept = periodic({
      name: 'ref',
      logger: silentLogger(),
      intervalMs: 60_000,
      run: () => Promise.resolve(),
      unref: false,
    });
    kept.start();
    expect(timers()).toBe(before + 1);
    await kept.stop();
    expect(timers()).toBe(before);
  });
});
