import { SAMPLE_CLIENT_STATE, sampleText, userNotification } from './graph-samples';
import { startIngestServer, type IngestHarness } from './ingest-harness';
import { leaseAll, storedCount } from './queue-contents';
import { openQueueUnderTest, type QueueUnderTest } from './queue-under-test';

describe('clientState', () => {
  let queue: QueueUnderTest;
  let harness: IngestHarness | undefined;
  beforeEach(async () => {
    queue = await openQueueUnderTest();
  });
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
    await queue.close();
  });

  it('drops and counts notifications whose clientState does not match, still answering 202', async () => {
    harness = await startIngestServer(queue.queue, { clientStates: ['a-different-secret-value'] });
    const res = await harness.post('/notifications', sampleText('notification-users-multiple.json'));
    expect(res.status).toBe(202);
    expect(await storedCount(queue.queue)).toBe(0);
    expect(harness.ingest.stats()).toMatchObject({ received: 4, clientStateMismatches: 4, accepted: 0 });
  });

  it('keeps the matching notifications of a body and drops the others', async () => {
    harness = await startIngestServer(queue.queue);
    const res = await harness.post('/notifications', {
      value: [
        userNotification('good-user'),
        userNotification('forged-user', { clientState: `${SAMPLE_CLIENT_STATE}x` }),
        userNotification('no-state-user', { clientState: null }),
      ],
    });
    expect(res.status).toBe(202);
    const leased = await leaseAll(queue.queue);
    expect(leased.map((m) => (m.body as { userId: string }).userId)).toEqual(['good-user']);
    expect(harness.ingest.stats().clientStateMismatches).toBe(2);
  });

  it('accepts any configured secret while secrets are being rotated', async () => {
    harness = await startIngestServer(queue.queue, {
      clientStates: ['the-new-secret-0123456789', SAMPLE_CLIENT_STATE],
    });
    const res = await harness.post('/notifications', {
      value: [
        userNotification('old-secret-user'),
        userNotification('new-secret-user', { clientState: 'the-new-secret-0123456789' }),
      ],
    });
    expect(res.status).toBe(202);
    expect(await storedCount(queue.queue)).toBe(2);
  });

  it('accepts every notification when no secret is configured (the demo), and warns once', async () => {
    const warnings: string[] = [];
    const logger = {
      debug: () => undefined,
      info: () => undefined,
      warn: (_obj: object, msg?: string) => void warnings.push(msg ?? ''),
      error: () => undefined,
      child() {
        return logger;
      },
    };
    harness = await startIngestServer(queue.queue, { clientStates: [], logger });
    const res = await harness.post('/notifications', {
      value: [userNotification('u1', { clientState: 'anything' })],
    });
    expect(res.status).toBe(202);
    expect(await storedCount(queue.queue)).toBe(1);
    expect(warnings.filter((w) => w.includes('CLIENT_STATE is not set'))).toHaveLength(1);
  });
});
