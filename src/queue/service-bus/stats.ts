/**
 * Queue counts, approximated by peeking. Exact counts (active, scheduled, dead-lettered) are runtime properties
 * that only the administration client can read, over HTTPS with Manage rights; a worker holding Listen/Send
 * rights cannot, and the test broker has no HTTP side. Peeking needs neither, at the price of precision:
 * - ready = active messages peeked minus the leases this process holds (another replica's leases are unknown
 *   and counted as ready: Service Bus's peek does not show locks);
 * - inFlight = this process's leases only;
 * - counts stop at `cap` per queue (peeking is a page-by-page read);
 * - the oldest ready message is the earliest enqueued active message peeked, which may be one a consumer holds
 *   (locks do not show in a peek) or lie beyond the cap: an approximation of the queue's age.
 */
import type { ServiceBusClient } from '@azure/service-bus';
import Long from 'long';
import type { QueueStats, QueueStatsOptions } from '../queue';

const PAGE = 250;

async function countByState(
  client: ServiceBusClient,
  queueName: string,
  cap: number,
  deadLetter: boolean,
): Promise<{ active: number; scheduled: number; oldestActive: Date | null }> {
  const receiver = client.createReceiver(queueName, deadLetter ? { subQueueType: 'deadLetter' } : {});
  const counts = { active: 0, scheduled: 0, oldestActive: null as Date | null };
  try {
    // Explicit positions: without them the SDK continues after the last message peeked on this connection
    // (by any receiver of the entity), so a second count would start where the first ended.
    let from = Long.ZERO;
    for (let seen = 0; seen < cap;) {
      const page = await receiver.peekMessages(Math.min(PAGE, cap - seen), { fromSequenceNumber: from });
      const last = page.at(-1)?.sequenceNumber;
      if (last === undefined) break;
      from = last.add(1);
      seen += page.length;
      for (const message of page) {
        if (message.state === 'scheduled') counts.scheduled += 1;
        else {
          counts.active += 1;
          const at = message.enqueuedTimeUtc;
          if (at !== undefined && (counts.oldestActive === null || at < counts.oldestActive))
            counts.oldestActive = at;
        }
      }
    }
  } finally {
    await receiver.close();
  }
  return counts;
}

export async function peekStats(
  client: ServiceBusClient,
  queueName: string,
  leasedHere: number,
  cap = 10_000,
  options: QueueStatsOptions = {},
): Promise<QueueStats> {
  const [main, deadLetters] = await Promise.all([
    countByState(client, queueName, cap, false),
    countByState(client, queueName, cap, true),
  ]);
  const stats: QueueStats = {
    ready: Math.max(0, main.active - leasedHere),
    scheduled: main.scheduled,
    inFlight: leasedHere,
    deadLettered: deadLetters.active + deadLetters.scheduled,
  };
  return options.oldestReady === true ? { ...stats, oldestReadyEnqueuedAt: main.oldestActive } : stats;
}
