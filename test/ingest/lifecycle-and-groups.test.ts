import { sampleJson, sampleText, SAMPLE_SUBSCRIPTION, SAMPLE_TENANT } from './graph-samples';
import { startIngestServer, type IngestHarness } from './ingest-harness';
import { leaseAll, storedCount } from './queue-contents';
import { openQueueUnderTest, type QueueUnderTest } from './queue-under-test';

describe('lifecycle and group notifications', () => {
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

  it.each([
    ['lifecycle-reauthorization-required.json', 'reauthorizationRequired'],
    ['lifecycle-subscription-removed.json', 'subscriptionRemoved'],
    ['lifecycle-missed.json', 'missed'],
  ])('queues %s as a lifecycle work item for its subscription', async (file, event) => {
    const res = await harness.post('/lifecycle', sampleText(file));
    expect(res.status).toBe(202);
    const leased = await leaseAll(queue.queue);
    expect(leased).toHaveLength(1);
    expect(leased[0]!.orderingKey).toBe(`${SAMPLE_TENANT}/${SAMPLE_SUBSCRIPTION}`);
    // reauthorizationRequired carries organizationId instead of tenantId (as captured in the wild).
    expect(leased[0]!.body).toMatchObject({
      kind: 'lifecycle',
      tenantId: SAMPLE_TENANT,
      subscriptionId: SAMPLE_SUBSCRIPTION,
      lifecycleEvent: event,
    });
    expect(harness.ingest.stats().lifecycle).toBe(1);
  });

  it('refuses a lifecycle notification with neither tenantId nor organizationId', async () => {
    const item = sampleJson('lifecycle-missed.json').value[0]!;
    const res = await harness.post('/lifecycle', { value: [{ ...item, tenantId: undefined }] });
    expect(res.status).toBe(400);
  });

  it('drops a lifecycle notification with a wrong clientState', async () => {
    const item = sampleJson('lifecycle-missed.json').value[0]!;
    const res = await harness.post('/lifecycle', { value: [{ ...item, clientState: 'forged' }] });
    expect(res.status).toBe(202);
    expect(await leaseAll(queue.queue)).toHaveLength(0);
    expect(harness.ingest.stats().clientStateMismatches).toBe(1);
  });

  it('queues the group of a mixed body as group-changed with the members@delta ids, next to the users', async () => {
    const res = await harness.post('/notifications', sampleText('notification-users-multiple.json'));
    expect(res.status).toBe(202);
    const leased = await leaseAll(queue.queue);
    const kinds = leased.map((m) => (m.body as { kind: string }).kind).sort();
    expect(kinds).toEqual(['group-changed', 'user-changed', 'user-changed', 'user-changed']);
    const group = leased.find((m) => (m.body as { kind: string }).kind === 'group-changed')!;
    expect(group.orderingKey).toBe(`${SAMPLE_TENANT}/9e3b5d71-2a4c-4f86-b0d2-7c1e8a6f4b39`);
    expect(group.body).toMatchObject({
      groupId: '9e3b5d71-2a4c-4f86-b0d2-7c1e8a6f4b39',
      subscriptionId: '2d7f0a93-5c1e-4b8a-a3f4-9e6b1c0d2a75',
      memberIds: ['c81d4e2f-3a5b-4f6c-9d7e-1b2a3c4d5e6f'],
    });
    const deleted = leased.find((m) => (m.body as { changeType: string }).changeType === 'deleted')!;
    expect(deleted.body).toMatchObject({
      kind: 'user-changed',
      userId: '47e1b2c9-6d0a-4f35-8e21-b9c4a7d3f018',
    });
  });

  it('keeps a second group notification that names other members (their users must be read too)', async () => {
    const first = sampleJson('notification-users-multiple.json').value[2]!;
    const second = {
      ...first,
      resourceData: { ...first.resourceData, 'members@delta': [{ id: 'another-member' }] },
    };
    expect((await harness.post('/notifications', { value: [first] })).status).toBe(202);
    expect((await harness.post('/notifications', { value: [second] })).status).toBe(202);
    expect(await storedCount(queue.queue)).toBe(2);
  });
});
