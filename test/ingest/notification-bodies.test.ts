import { sampleJson, sampleText, SAMPLE_TENANT, userNotification } from './graph-samples';
import { errorOf, startIngestServer, type IngestHarness } from './ingest-harness';
import { leaseAll, storedCount } from './queue-contents';
import { openQueueUnderTest, type QueueUnderTest } from './queue-under-test';

describe('notification bodies', () => {
  let queue: QueueUnderTest;
  let harness: IngestHarness;
  beforeEach(async () => {
    queue = await openQueueUnderTest();
    harness = await startIngestServer(queue.queue, { maxBodyBytes: 1024 * 1024 });
  });
  afterEach(async () => {
    await harness.close();
    await queue.close();
  });

  it('answers 202 for a Graph users notification and queues a user-changed work item for that user', async () => {
    const res = await harness.post('/notifications', sampleText('notification-users-updated.json'));
    expect(res.status).toBe(202);
    const [message, ...rest] = await leaseAll(queue.queue);
    expect(rest).toHaveLength(0);
    expect(message!.orderingKey).toBe(`${SAMPLE_TENANT}/a3f6c2d1-9b84-4e7a-8c15-6d2e0f9b7a41`);
    expect(message!.body).toMatchObject({
      kind: 'user-changed',
      tenantId: SAMPLE_TENANT,
      userId: 'a3f6c2d1-9b84-4e7a-8c15-6d2e0f9b7a41',
      changeType: 'updated',
      subscriptionId: '8b2e4c71-0f3a-4d9b-b6e5-2a7c91d0f34e',
      source: 'notification',
    });
    expect(harness.ingest.stats()).toMatchObject({ received: 1, accepted: 1, rejectedBodies: 0 });
  });

  it('refuses a body that is not JSON with 400 and a message saying what Graph sends', async () => {
    const res = await harness.post('/notifications', '{"value": [ {"changeType": "updated",');
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe('malformed-json');
    expect(error.message).toMatch(/not valid JSON/);
    expect(harness.ingest.stats().rejectedBodies).toBe(1);
    expect(await storedCount(queue.queue)).toBe(0);
  });

  it.each([
    ['no value array', { notifications: [] }, /^value: /],
    ['value is not an array', { value: {} }, /^value: /],
    [
      'a wrong changeType',
      { value: [userNotification('u1', { changeType: 'renamed' })] },
      /^value\[0\]\.changeType: /,
    ],
    [
      'no subscriptionId',
      { value: [userNotification('u1', { subscriptionId: undefined })] },
      /^value\[0\]\.subscriptionId: /,
    ],
    ['a bad second item', { value: [userNotification('u1'), 42] }, /^value\[1\]: /],
    [
      'no tenant at all',
      { value: [userNotification('u1', { tenantId: undefined, resourceData: { id: 'u1' } })] },
      /^value\[0\]\.tenantId: missing/,
    ],
    [
      'a resource that is neither users nor groups',
      { value: [userNotification('u1', { resource: 'me/events/1', resourceData: { id: 'x' } })] },
      /^value\[0\]\.resource: /,
    ],
  ])('refuses %s with 400 naming the path, and queues none of the body', async (_what, body, message) => {
    const res = await harness.post('/notifications', body);
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe('invalid-body');
    expect(error.message).toMatch(message);
    expect(await storedCount(queue.queue)).toBe(0);
  });

  it('refuses an oversized body with 413', async () => {
    const big = { value: Array.from({ length: 3000 }, (_, i) => userNotification(`user-${i}`)) };
    const text = JSON.stringify(big);
    expect(text.length).toBeGreaterThan(1024 * 1024);
    const res = await harness.post('/notifications', text);
    expect(res.status).toBe(413);
    expect((await errorOf(res)).code).toBe('payload-too-large');
    expect(harness.ingest.stats().oversizeBodies).toBe(1);
    expect(await storedCount(queue.queue)).toBe(0);
  });

  it('refuses an oversized chunked body (no Content-Length) with 413', async () => {
    const chunk = new TextEncoder().encode(`{"value":[${'"x",'.repeat(70_000)}`);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 8) return controller.close();
        sent++;
        controller.enqueue(chunk);
      },
    });
    const res = await fetch(`${harness.baseUrl}/notifications`, {
      method: 'POST',
      body: stream,
      duplex: 'half',
    });
    expect(res.status).toBe(413);
    expect(await storedCount(queue.queue)).toBe(0);
  });

  it('answers 202 to an empty value and queues nothing', async () => {
    const res = await harness.post('/notifications', { value: [] });
    expect(res.status).toBe(202);
    expect(await storedCount(queue.queue)).toBe(0);
    expect(harness.ingest.stats().commits).toBe(0);
  });

  it('takes 1,000 notifications in one body, each user queued once', async () => {
    const ids = Array.from(
      { length: 1000 },
      (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    );
    const res = await harness.post('/notifications', { value: ids.map((id) => userNotification(id)) });
    expect(res.status).toBe(202);
    expect(await storedCount(queue.queue)).toBe(1000);
    const leased = await leaseAll(queue.queue);
    expect(new Set(leased.map((m) => (m.body as { userId: string }).userId))).toEqual(new Set(ids));
    expect(harness.ingest.stats()).toMatchObject({ received: 1000, accepted: 1000 });
  });

  it('ignores fields Graph may add and the offsets its timestamps come with', async () => {
    const base = sampleJson('notification-users-updated.json').value[0]!;
    const res = await harness.post('/notifications', {
      value: [
        {
          ...base,
          subscriptionExpirationDateTime: '2025-03-31T02:58:12.4170000-07:00',
          somethingNew: { a: 1 },
        },
      ],
      validationTokens: [],
    });
    expect(res.status).toBe(202);
    expect(await storedCount(queue.queue)).toBe(1);
  });
});
