/**
 * Keep a long-running command alive until SIGTERM or SIGINT, then stop it cleanly. A second signal exits at once:
 * an operator who presses Ctrl-C twice means it (issue: graceful lifecycle).
 */
export function runUntilSignal(stop: () => Promise<void>, onSignal: (signal: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let stopping = false;
    const handler = (signal: NodeJS.Signals): void => {
      if (stopping) {
        process.exit(130);
      }
      stopping = true;
      onSignal(signal);
      stop().then(() => {
        process.off('SIGTERM', handler);
        process.off('SIGINT', handler);
        resolve();
      }, reject);
    };
    process.on('SIGTERM', handler);
    process.on('SIGINT', handler);
  });
}
