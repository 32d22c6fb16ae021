import {
  changeNotificationCollectionSchema,
  graphSubscriptionSchema,
  lifecycleNotificationCollectionSchema,
} from '../../../src/graph/wire-schemas';
import {
  startGraphSimulator,
  type GraphSimulator,
  type GraphSimulatorOptions,
} from '../../../src/graph/simulator';
import { RA_SKU_ID, TEAMS_PHONE_STANDARD_SKU_ID } from '../../../src/licensing/catalog-data';
import { ADELE_ID, graph, GROUP_ID, RA_ID, smallTenant, TENANT_A, TENANT_B } from './small-tenant';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver';

/** A small seeded generator, so reordering and duplicates are reproducible. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

jest.setTimeout(90_000);

describe('Graph simulator: change and lifecycle notifications', () => {
  let sim: GraphSimulator;
  let receiver: WebhookReceiver;

  async function start(options: GraphSimulatorOptions = {}) {
    sim = await startGraphSimulator({
      ...options,
      notifications: { latencyMs: 0, retryBaseMs: 20, ...options.notifications },
    });
    sim.seed(smallTenant());
    sim.seed(smallTenant(TENANT_B, 'fabrikam'));
  }
  async function subscribe(tenantId = TENANT_A, overrides: Record<string, unknown> = {}): Promise<string> {
    const answer = await graph(sim, tenantId, 'POST', '/subscriptions', {
      changeType: 'updated,deleted',
      notificationUrl: `${receiver.url}/notifications`,
      lifecycleNotificationUrl: `${receiver.url}/lifecycle`,
      resource: 'users',
      expirationDateTime: new Date(Date.now() + 3_600_000).toISOString(),
      clientState: `state-${tenantId.slice(0, 8)}`,
      ...overrides,
    });
    expect(answer.status).toBe(201);
    return graphSubscriptionSchema.parse(answer.body).id;
  }
  const delivered = (path = '/notifications') =>
    receiver
      .notifications()
      .filter((p) => p.path === path)
      .flatMap((p) => changeNotificationCollectionSchema.parse(JSON.parse(p.body)).value);

  beforeEach(async () => {
    receiver = await startWebhookReceiver();
  });
  afterEach(async () => {
    await sim.stop();
    await receiver.close();
  });

  it("delivers a license change in Graph's exact body shape, with the clientState", async () => {
    await start();
    const subscriptionId = await subscribe();
    sim.assignLicense(TENANT_A, RA_ID, {
      addLicenses: [{ skuId: RA_SKU_ID }],
      removeLicenses: [TEAMS_PHONE_STANDARD_SKU_ID],
    });
    await sim.flushNotifications();

    const posts = receiver.notifications();
    expect(posts).toHaveLength(1);
    expect(posts[0]?.contentType).toBe('application/json; charset=utf-8');
    const body = JSON.parse(posts[0]?.body ?? '{}') as { value: Array<Record<string, unknown>> };
    expect(Object.keys(body)).toEqual(['value']);
    expect(body.value).toEqual([
      {
        changeType: 'updated',
        clientState: 'state-11111111',
        resource: `Users/${RA_ID}`,
        resourceData: {
          '@odata.type': '#Microsoft.Graph.User',
          '@odata.id': `Users/${RA_ID}`,
          id: RA_ID,
          organizationId: TENANT_A,
        },
        subscriptionExpirationDateTime: expect.stringMatching(
          /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+00:00$/,
        ) as unknown,
        subscriptionId,
        tenantId: TENANT_A,
      },
    ]);
    expect(changeNotificationCollectionSchema.parse(body).value).toHaveLength(1);
  });

  it('sends creation and soft deletion as updated, a permanent delete as deleted, and only the change types subscribed', async () => {
    await start();
    await subscribe();
    const id = sim.createUser(TENANT_A, {
      id: '0d5e9b27-c4a1-4f83-b6e2-7a19f3c08d54',
      userPrincipalName: 'frontdesk@contoso.com',
      displayName: 'Front Desk',
    });
    sim.deleteUser(TENANT_A, ADELE_ID);
    sim.deleteUser(TENANT_A, id, { permanent: true });
    await sim.flushNotifications();
    expect(delivered().map((n) => `${n.changeType} ${n.resource}`)).toEqual([
      `updated Users/${id}`,
      `updated Users/${ADELE_ID}`,
      `deleted Users/${id}`,
    ]);

    await subscribe(TENANT_B, { changeType: 'deleted', notificationUrl: `${receiver.url}/deleted-only` });
    sim.updateUser(TENANT_B, ADELE_ID, { jobTitle: 'Buyer' });
    sim.deleteUser(TENANT_B, ADELE_ID, { permanent: true });
    await sim.flushNotifications();
    expect(delivered('/deleted-only').map((n) => n.changeType)).toEqual(['deleted']);
  });

  it("can stay silent on license-only changes (the pessimistic reading of Graph's docs), still notifying other changes", async () => {
    await start({ notifications: { onLicenseChange: false } });
    await subscribe();
    sim.assignLicense(TENANT_A, RA_ID, {
      addLicenses: [{ skuId: RA_SKU_ID }],
      removeLicenses: [TEAMS_PHONE_STANDARD_SKU_ID],
    });
    sim.updateUser(TENANT_A, ADELE_ID, { jobTitle: 'Buyer' });
    await sim.flushNotifications();
    expect(delivered().map((n) => n.resource)).toEqual([`Users/${ADELE_ID}`]);
  });

  it("keeps tenants apart: a change in one tenant reaches only that tenant's subscriptions", async () => {
    await start();
    await subscribe(TENANT_A);
    sim.updateUser(TENANT_B, ADELE_ID, { jobTitle: 'Buyer' });
    sim.updateUser(TENANT_A, ADELE_ID, { jobTitle: 'Buyer' });
    await sim.flushNotifications();
    expect(delivered().map((n) => n.tenantId)).toEqual([TENANT_A]);
  });

  it('delivers group membership changes to groups subscriptions with members@delta, and the inherited license as a user change', async () => {
    await start();
    await subscribe(TENANT_A, {
      resource: 'groups',
      changeType: 'updated',
      notificationUrl: `${receiver.url}/groups`,
    });
    await subscribe(TENANT_A);
    sim.addGroupMember(TENANT_A, GROUP_ID, ADELE_ID);
    await sim.flushNotifications();
    const groups = delivered('/groups');
    expect(groups).toHaveLength(1);
    expect(groups[0]?.resource).toBe(`Groups/${GROUP_ID}`);
    expect(groups[0]?.resourceData).toEqual(
      expect.objectContaining({
        '@odata.type': '#Microsoft.Graph.Group',
        id: GROUP_ID,
        'members@delta': [{ id: ADELE_ID }],
      }),
    );
    expect(delivered().map((n) => n.resource)).toEqual([`Users/${ADELE_ID}`]);
  });

  it('stops delivering to a subscription that lapsed', async () => {
    await start();
    const id = await subscribe();
    sim.updateUser(TENANT_A, ADELE_ID, { jobTitle: 'One' });
    await sim.flushNotifications();
    sim.expireSubscription(id);
    sim.updateUser(TENANT_A, ADELE_ID, { jobTitle: 'Two' });
    await sim.flushNotifications();
    expect(delivered()).toHaveLength(1);
  });

  it('retries a failed delivery with backoff until the endpoint answers 2xx', async () => {
    await start();
    await subscribe();
    receiver.failures = [500, 503];
    sim.updateUser(TENANT_A, ADELE_ID, { jobTitle: 'Buyer' });
    await sim.flushNotifications();
    expect(sim.deliveries().map((d) => [d.attempt, d.status])).toEqual([
      [1, 500],
      [2, 503],
      [3, 202],
    ]);
    expect(receiver.notifications()).toHaveLength(3);
  });

  it('treats an endpoint that does not answer in time as failed, and retries', async () => {
    await start({ notifications: { timeoutMs: 200 } });
    await subscribe();
    receiver.failures = [0];
    sim.updateUser(TENANT_A, ADELE_ID, { jobTitle: 'Buyer' });
    await sim.flushNotifications();
    const attempts = sim.deliveries();
    expect(attempts.map((d) => [d.attempt, d.status])).toEqual([
      [1, null],
      [2, 202],
    ]);
    expect(attempts[0]?.error).toContain('no answer within 200 ms');
  });

  it('gives up after the last attempt, and flush still settles', async () => {
    await start({ notifications: { maxAttempts: 2 } });
    await subscribe();
    receiver.failures = [500, 500, 500];
    sim.updateUser(TENANT_A, ADELE_ID, { jobTitle: 'Buyer' });
    await sim.flushNotifications();
    expect(sim.deliveries().map((d) => d.status)).toEqual([500, 500]);
  });

  it('delivers every notification twice when duplicates are asked for', async () => {
    await start({ notifications: { duplicateRate: 1, random: seeded(7) } });
    await subscribe();
    sim.updateUser(TENANT_A, ADELE_ID, { jobTitle: 'Buyer' });
    sim.updateUser(TENANT_A, RA_ID, { displayName: 'Sales Line' });
    await sim.flushNotifications();
    const resources = delivered()
      .map((n) => n.resource)
      .sort();
    expect(resources).toEqual(
      [`Users/${ADELE_ID}`, `Users/${ADELE_ID}`, `Users/${RA_ID}`, `Users/${RA_ID}`].sort(),
    );
  });

  it('keeps order without reordering, and loses none but changes the order with it', async () => {
    const ids = Array.from(
      { length: 20 },
      (_, i) => `00000${String(i).padStart(3, '0')}-c4a1-4f83-b6e2-7a19f3c08d54`,
    );
    const play = async () => {
      await subscribe();
      for (const [i, id] of ids.entries())
        sim.createUser(TENANT_A, { id, userPrincipalName: `u${i}@contoso.com`, displayName: `User ${i}` });
      await sim.flushNotifications();
      return delivered().map((n) => n.resourceData?.id);
    };
    await start();
    expect(await play()).toEqual(ids);
    await sim.stop();
    receiver.posts.length = 0;

    await start({ notifications: { reorder: true, latencyMs: 20, random: seeded(42) } });
    const received = await play();
    expect([...received].sort()).toEqual([...ids].sort());
    expect(received).not.toEqual(ids);
  });

  it('flush() settles after thousands of reordered deliveries: no notification is stranded between timers', async () => {
    // Reordering gives each notification a fractional due time; a timer can fire a fraction of a millisecond before
    // Date.now() reaches it. The notifier once left such a notification waiting for a timer that never came, and
    // flush() (what the demo and every test wait on) never resolved.
    await start({ notifications: { reorder: true, latencyMs: 3, duplicateRate: 0.2, random: seeded(7) } });
    await subscribe();
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 400; i++)
        sim.updateUser(TENANT_A, RA_ID, { department: `round ${round} change ${i}` });
      const outcome = await Promise.race([
        sim.flushNotifications().then(() => 'settled' as const),
        new Promise<'stuck'>((resolve) => setTimeout(() => resolve('stuck'), 30_000).unref()),
      ]);
      expect(`round ${round}: ${outcome}`).toBe(`round ${round}: settled`);
    }
    expect(delivered().filter((n) => n.resource === `Users/${RA_ID}`).length).toBeGreaterThanOrEqual(5 * 400);
  });

  it('sends lifecycle notifications in the shapes seen: reauthorizationRequired with organizationId, missed and subscriptionRemoved with tenantId', async () => {
    await start();
    const id = await subscribe();
    sim.sendLifecycle(id, 'reauthorizationRequired');
    sim.sendLifecycle(id, 'missed');
    await sim.flushNotifications();
    sim.sendLifecycle(id, 'subscriptionRemoved');
    await sim.flushNotifications();
    const items = receiver
      .notifications()
      .filter((p) => p.path === '/lifecycle')
      .flatMap((p) => lifecycleNotificationCollectionSchema.parse(JSON.parse(p.body)).value);
    expect(items.map((i) => i.lifecycleEvent)).toEqual([
      'reauthorizationRequired',
      'missed',
      'subscriptionRemoved',
    ]);
    expect(items[0]).toEqual(
      expect.objectContaining({
        organizationId: TENANT_A,
        resource: `Subscriptions/${id}`,
        clientState: 'state-11111111',
      }),
    );
    expect(items[0]).not.toHaveProperty('tenantId');
    expect(items[0]?.subscriptionExpirationDateTime).toMatch(/-07:00$/);
    expect(items[1]).toEqual(expect.objectContaining({ tenantId: TENANT_A, subscriptionId: id }));
    // subscriptionRemoved means it is gone.
    expect((await graph(sim, TENANT_A, 'GET', `/subscriptions/${id}`)).status).toBe(404);
  });
});
