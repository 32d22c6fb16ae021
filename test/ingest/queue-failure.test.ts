import { withFailingSends, type FailingQueue } from '../support/failing-queue';
import { sampleText } from './graph-samples';
import { errorOf, startIngestServer, type IngestHarness } from './ingest-harness';
import { storedCount } from './queue-contents';
import { openQueueUnderTest, type QueueUnderTest } from './queue-under-test';

describe('when the queue cannot store notifications', () => {
  let inner: QueueUnderTest;
  let queue: FailingQueue;
  let harness: IngestHarness;
  beforeEach(async () => {
    inner = await openQueueUnderTest();
    queue = withFailingSends(inner.queue);
    harness = await startIngestServer(queue);
  });
  afterEach(async () => {
    await harness.close();
    await inner.close();
  });

  it("answers 503 with Retry-After, acknowledges nothing, and takes Graph's redelivery once the queue is back", async () => {
    queue.failSends = true;
    const body = sampleText('notification-users-multiple.json');
    const refused = await harness.post('/notifications', body);
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await errorOf(refused)).code).toBe('unavailable');
    expect(await storedCount(inner.queue)).toBe(0);
    expect(harness.ingest.stats()).toMatchObject({ failedCommits: 1, unavailable: 1, accepted: 0 });

    queue.failSends = false;
    const redelivered = await harness.post('/notifications', body);
    expect(redelivered.status).toBe(202);
    expect(await storedCount(inner.queue)).toBe(4);
  });

  it('refuses every request of a failed group commit, not only the first', async () => {
    queue.failSends = true;
    const answers = await Promise.all(
      ['notification-users-updated.json', 'notification-users-deleted.json', 'lifecycle-missed.json'].map(
        (file) =>
          harness.post(file.startsWith('lifecycle') ? '/lifecycle' : '/notifications', sampleText(file)),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([503, 503, 503]);
    expect(await storedCount(inner.queue)).toBe(0);
  });
});
