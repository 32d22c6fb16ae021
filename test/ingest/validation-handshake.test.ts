import { sampleText } from './graph-samples';
import { errorOf, startIngestServer, type IngestHarness } from './ingest-harness';
import { openQueueUnderTest, type QueueUnderTest } from './queue-under-test';

// The exact query Graph sends (graph-samples/validation-request.md): `%3a` and `+` must decode to ':' and ' '.
const graphQuery =
  'validationToken=Validation%3a+Testing+client+application+reachability+for+subscription+Request-Id%3a+3f1d2c7a-8e45-4b09-a6d1-0c9e2b7f4a53';
const decoded =
  'Validation: Testing client application reachability for subscription Request-Id: 3f1d2c7a-8e45-4b09-a6d1-0c9e2b7f4a53';

describe('the validation handshake', () => {
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

  it('echoes the decoded token as text/plain with 200 on both Graph endpoints', async () => {
    for (const path of ['/notifications', '/lifecycle']) {
      const res = await fetch(`${harness.baseUrl}${path}?${graphQuery}`, {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain; charset=utf-8' },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await res.text()).toBe(decoded);
    }
    expect(harness.ingest.stats().validations).toBe(2);
  });

  it('keeps other query parameters Graph carries over from the notificationUrl', async () => {
    const res = await fetch(`${harness.baseUrl}/notifications?tenant=contoso&${graphQuery}`, {
      method: 'POST',
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(decoded);
  });

  it('answers a GET probe the same way', async () => {
    const res = await fetch(`${harness.baseUrl}/notifications?validationToken=abc%20def`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('abc def');
  });

  it('never queues anything for a handshake, even with a body', async () => {
    const res = await harness.post(
      `/notifications?${graphQuery}`,
      sampleText('notification-users-updated.json'),
    );
    expect(res.status).toBe(200);
    expect((await queue.queue.stats()).ready).toBe(0);
  });

  it('refuses other methods on the Graph endpoints with a JSON 405', async () => {
    const res = await fetch(`${harness.baseUrl}/notifications`, { method: 'PUT', body: '{}' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect((await errorOf(res)).code).toBe('method-not-allowed');
  });
});
