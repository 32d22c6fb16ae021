/** Reading back what ingest put on the queue, through the Queue port only. */
import type { LeasedMessage, Queue } from '../../src/queue/queue';

/** Leases every message that can be leased now (one per ordering key), with a long lease. */
export async function leaseAll(queue: Queue): Promise<LeasedMessage[]> {
  const all: LeasedMessage[] = [];
  for (;;) {
    const batch = await queue.receive({ maxMessages: 500, leaseMs: 60_000, waitMs: 0 });
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

/** Messages stored and not yet settled (ready, scheduled or leased). */
export async function storedCount(queue: Queue): Promise<number> {
  const stats = await queue.stats();
  return stats.ready + stats.scheduled + stats.inFlight;
}
