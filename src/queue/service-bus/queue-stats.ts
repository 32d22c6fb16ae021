/**
 * Queue counts, approximated by peeking. Exact counts (active, scheduled, dead-lettered) are runtime properties
 * that only the administration client can read, over HTTPS with Manage rights; a worker holding Listen/Send
 * rights cannot, and the test broker has no HTTP side. Peeking needs neither, at the price of precision:
 * - ready = active messages peeked minus the leases this process holds (another replica's leases are unknown
 *   and counted as ready: Service Bus's peek does not show locks);
 * - inFlight = this process's leases only;
 * - counts stop at `cap` per queue (peeking is a page-by-page read).
 */
import type { ServiceBusClient } from '@azure/service-bus';
import Long from 'long';
import type { QueueStats } from '../queue';

const PAGE = 250;

async function countByState(
  client: ServiceBusClient,
  queueName: string,
  cap: number,
  deadLetter: boolean,
): Promise<{ active: number; scheduled: number }> {
  const receiver = client.createReceiver(queueName, deadLetter ? { subQueueType: 'deadLetter' } : {});
  const counts = { active: 0, scheduled: 0 };
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
        else counts.active += 1;
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
): Promise<QueueStats> {
  const [main, deadLetters] = await Promise.all([
    countByState(client, queueName, cap, false),
    countByState(client, queueName, cap, true),
  ]);
  return {
    ready: Math.max(0, main.active - leasedHere),
    scheduled: main.scheduled,
    inFlight: leasedHere,
    deadLettered: deadLetters.active + deadLetters.scheduled,
  };
}
