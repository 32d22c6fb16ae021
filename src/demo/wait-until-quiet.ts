/**
 * Wait until the pipeline has nothing left to do: the simulator has delivered every notification, the queue holds
 * no ready, leased or scheduled work (swap follow-ups are scheduled), and the outbox has sent what it owes. Checked
 * twice in a row, because finishing one message can enqueue another (a follow-up, a tenant evaluation).
 */
import type { App } from '../app';
import { sleep } from '../background/backoff';
import type { GraphSimulator } from '../graph/simulator/graph-simulator';

export async function waitUntilQuiet(app: App, simulator: GraphSimulator, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quietChecks = 0;
  while (quietChecks < 2) {
    if (Date.now() > deadline) {
      const stats = await app.queue.stats();
      throw new Error(
        `the pipeline did not settle within ${Math.round(timeoutMs / 1000)} s (queue: ${stats.ready} ready, ${stats.inFlight} in flight, ` +
          `${stats.scheduled} scheduled, ${stats.deadLettered} dead-lettered)`,
      );
    }
    await flushWithin(simulator, deadline, timeoutMs);
    const stats = await app.queue.stats();
    const busy = stats.ready + stats.inFlight + stats.scheduled > 0;
    if (!busy) await app.dispatcher.runOnce();
    quietChecks = busy ? 0 : quietChecks + 1;
    await sleep(busy ? 100 : 300);
  }
}

/** The simulator's flush, bounded by the same deadline: a delivery that never settles is an error, not a hang. */
async function flushWithin(simulator: GraphSimulator, deadline: number, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `the Graph simulator still had notifications to deliver after ${Math.round(timeoutMs / 1000)} s`,
          ),
        ),
      Math.max(0, deadline - Date.now()),
    );
  });
  try {
    await Promise.race([simulator.flushNotifications(), expired]);
  } finally {
    clearTimeout(timer);
  }
}
