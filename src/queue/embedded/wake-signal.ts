/**
 * How a waiting `receive` sleeps: it polls every `pollIntervalMs` (another process may have sent), and wakes at
 * once when this process sends or when the queue closes (shutdown must not wait out a long poll).
 */
export interface WakeSignal {
  /** Resolves after `ms`, or earlier on `wakeAll`. */
  sleep(ms: number): Promise<void>;
  wakeAll(): void;
}

export function createWakeSignal(): WakeSignal {
  const sleepers = new Set<() => void>();
  return {
    sleep(ms) {
      return new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          sleepers.delete(done);
          resolve();
        };
        const timer = setTimeout(done, Math.max(0, ms));
        sleepers.add(done);
      });
    },
    wakeAll() {
      for (const wake of [...sleepers]) wake();
    },
  };
}
