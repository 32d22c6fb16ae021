import { sampleText, SAMPLE_TENANT } from './graph-samples';
import { startIngestServer, type IngestHarness } from './ingest-harness';
import { leaseAll, storedCount } from './queue-contents';
import { openQueueUnderTest, type QueueUnderTest } from './queue-under-test';

const RA_USER = 'a3f6c2d1-9b84-4e7a-8c15-6d2e0f9b7a41';

describe('duplicates and later changes', () => {
  let queue: QueueUnderTest;
  let harness: IngestHarness;
  beforeEach(async () => {
    queue = await openQueueUnderTest();
    harness = await startIngestServer(queue.queue);
  });
  afterEach(async () => {
    await harness.close();
    await queue.close();
  });

  it('collapses the same body delivered twice while the first is still waiting into one message', async () => {
    const body = sampleText('notification-users-updated.json');
    expect((await harness.post('/notifications', body)).status).toBe(202);
    expect((await harness.post('/notifications', body)).status).toBe(202);
    expect(await storedCount(queue.queue)).toBe(1);
    const stats = harness.ingest.stats();
    expect(stats.accepted).toBe(1);
    expect(stats.duplicates + stats.coalesced).toBe(1);
  });

  it('collapses a different notification for the same waiting user (a deleted after an updated)', async () => {
    expect((await harness.post('/notifications', sampleText('notification-users-updated.json'))).status).toBe(
      202,
    );
    const deleted = sampleText('notification-users-deleted.json').replaceAll(
      '47e1b2c9-6d0a-4f35-8e21-b9c4a7d3f018',
      RA_USER,
    );
    expect((await harness.post('/notifications', deleted)).status).toBe(202);
    expect(await storedCount(queue.queue)).toBe(1);
    expect(harness.ingest.stats().coalesced).toBe(1);
  });

  it('does not swallow the same body arriving after the worker has leased the first: a second read follows', async () => {
    const body = sampleText('notification-users-updated.json');
    expect((await harness.post('/notifications', body)).status).toBe(202);
    const [first] = await leaseAll(queue.queue);
    expect(first?.orderingKey).toBe(`${SAMPLE_TENANT}/${RA_USER}`);

    // A real second change to the same user produces an identical body.
    expect((await harness.post('/notifications', body)).status).toBe(202);
    expect(await queue.queue.stats()).toMatchObject({ inFlight: 1 });
    expect(await storedCount(queue.queue)).toBe(2);

    // One message per user in flight: the second becomes available once the first is done.
    expect(await leaseAll(queue.queue)).toHaveLength(0);
    await queue.queue.complete(first!);
    const [second] = await leaseAll(queue.queue);
    expect(second?.orderingKey).toBe(first!.orderingKey);
    expect(second?.messageId).toBe(first!.messageId);
  });
});
