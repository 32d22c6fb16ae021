import { graphErrorSchema, graphSubscriptionSchema } from '../../../src/graph/wire-schemas';
import { startGraphSimulator, type GraphSimulator } from '../../../src/graph/simulator';
import { graph, smallTenant, TENANT_A, TENANT_B } from './small-tenant';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver';

const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

describe('Graph simulator: subscriptions', () => {
  let sim: GraphSimulator;
  let receiver: WebhookReceiver;
  let other: WebhookReceiver;

  beforeEach(async () => {
    sim = await startGraphSimulator({ validationTimeoutMs: 500, notifications: { latencyMs: 0 } });
    sim.seed(smallTenant());
    sim.seed(smallTenant(TENANT_B, 'fabrikam'));
    receiver = await startWebhookReceiver();
    other = await startWebhookReceiver();
  });
  afterEach(async () => {
    await sim.stop();
    await receiver.close();
    await other.close();
  });

  const request = (overrides: Record<string, unknown> = {}) => ({
    changeType: 'updated,deleted',
    notificationUrl: `${receiver.url}/notifications?tenant=a`,
    lifecycleNotificationUrl: `${receiver.url}/lifecycle`,
    resource: 'users',
    expirationDateTime: inMinutes(60),
    clientState: 'ra-watch-7Qk2vX9pLm',
    latestSupportedTlsVersion: 'v1_2',
    ...overrides,
  });

  it("creates a subscription after the validation handshake on both URLs, and answers 201 in Graph's shape", async () => {
    const answer = await graph(sim, TENANT_A, 'POST', '/subscriptions', request());
    expect(answer.status).toBe(201);
    const subscription = graphSubscriptionSchema.parse(answer.body);
    expect(subscription.resource).toBe('users');
    expect(subscription.clientState).toBe('ra-watch-7Qk2vX9pLm');
    expect(Object.keys(answer.body as object).sort()).toEqual(
      [
        '@odata.context',
        'id',
        'resource',
        'applicationId',
        'changeType',
        'clientState',
        'notificationUrl',
        'notificationQueryOptions',
        'lifecycleNotificationUrl',
        'expirationDateTime',
        'creatorId',
        'includeResourceData',
        'latestSupportedTlsVersion',
        'encryptionCertificate',
        'encryptionCertificateId',
        'notificationUrlAppId',
      ].sort(),
    );
    const validations = receiver.validations();
    expect(validations.map((v) => v.path).sort()).toEqual(['/lifecycle', '/notifications']);
    for (const v of validations) {
      expect(v.contentType).toBe('text/plain; charset=utf-8');
      expect(v.body).toBe('');
      expect(v.query.get('validationToken')).toMatch(
        /^Validation: Testing client application reachability for subscription Request-Id: [0-9a-f-]{36}$/,
      );
    }
    // A query string already on the notificationUrl is kept.
    expect(validations.find((v) => v.path === '/notifications')?.query.get('tenant')).toBe('a');
  });

  it.each(['wrong-token', 'status-500', 'json', 'never'] as const)(
    'refuses with 400 when the endpoint answers the handshake wrong (%s)',
    async (mode) => {
      receiver.validation = mode;
      const answer = await graph(sim, TENANT_A, 'POST', '/subscriptions', request());
      expect(answer.status).toBe(400);
      const error = graphErrorSchema.parse(answer.body).error;
      expect(error.code).toBe('InvalidRequest');
      expect(error.message).toMatch(/^Subscription validation request (failed|timed out)/);
      expect(sim.subscriptions(TENANT_A)).toEqual([]);
    },
  );

  it('validates the lifecycleNotificationUrl too', async () => {
    other.validation = 'status-500';
    const answer = await graph(
      sim,
      TENANT_A,
      'POST',
      '/subscriptions',
      request({ lifecycleNotificationUrl: `${other.url}/lifecycle` }),
    );
    expect(answer.status).toBe(400);
  });

  it('refuses what Graph refuses: created on users, expiry beyond 41,760 minutes or in the past, clientState over 128', async () => {
    const created = await graph(
      sim,
      TENANT_A,
      'POST',
      '/subscriptions',
      request({ changeType: 'created,updated' }),
    );
    expect(created.status).toBe(400);
    expect(graphErrorSchema.parse(created.body).error.message).toBe(
      "Invalid 'changeType' attribute: 'created'.",
    );
    const tooLong = await graph(
      sim,
      TENANT_A,
      'POST',
      '/subscriptions',
      request({ expirationDateTime: inMinutes(41_770) }),
    );
    expect(tooLong.status).toBe(400);
    expect(graphErrorSchema.parse(tooLong.body).error.message).toContain('41760');
    expect(
      (await graph(sim, TENANT_A, 'POST', '/subscriptions', request({ expirationDateTime: inMinutes(-1) })))
        .status,
    ).toBe(400);
    expect(
      (await graph(sim, TENANT_A, 'POST', '/subscriptions', request({ clientState: 'x'.repeat(129) })))
        .status,
    ).toBe(400);
    expect(
      (
        await graph(
          sim,
          TENANT_A,
          'POST',
          '/subscriptions',
          request({ expirationDateTime: inMinutes(41_750) }),
        )
      ).status,
    ).toBe(201);
  });

  it('answers 403 beyond the per-tenant quota', async () => {
    await sim.stop();
    sim = await startGraphSimulator({ maxSubscriptionsPerTenant: 1 });
    sim.seed(smallTenant());
    expect((await graph(sim, TENANT_A, 'POST', '/subscriptions', request())).status).toBe(201);
    expect((await graph(sim, TENANT_A, 'POST', '/subscriptions', request())).status).toBe(403);
  });

  it('gets, lists, renews, reauthorizes and deletes; a lapsed subscription is gone (404, not listed)', async () => {
    const id = graphSubscriptionSchema.parse(
      (await graph(sim, TENANT_A, 'POST', '/subscriptions', request())).body,
    ).id;
    expect(
      graphSubscriptionSchema.parse((await graph(sim, TENANT_A, 'GET', `/subscriptions/${id}`)).body).id,
    ).toBe(id);
    const list = (await graph(sim, TENANT_A, 'GET', '/subscriptions')).body as { value: unknown[] };
    expect(list.value.map((s) => graphSubscriptionSchema.parse(s).id)).toEqual([id]);
    // Another tenant does not see it.
    expect(
      ((await graph(sim, TENANT_B, 'GET', '/subscriptions')).body as { value: unknown[] }).value,
    ).toEqual([]);
    expect((await graph(sim, TENANT_B, 'GET', `/subscriptions/${id}`)).status).toBe(404);

    const renewedTo = inMinutes(41_000);
    const renewed = await graph(sim, TENANT_A, 'PATCH', `/subscriptions/${id}`, {
      expirationDateTime: renewedTo,
    });
    expect(renewed.status).toBe(200);
    expect(Date.parse(graphSubscriptionSchema.parse(renewed.body).expirationDateTime)).toBe(
      Date.parse(renewedTo),
    );
    expect(
      (await graph(sim, TENANT_A, 'PATCH', `/subscriptions/${id}`, { expirationDateTime: inMinutes(50_000) }))
        .status,
    ).toBe(400);
    expect((await graph(sim, TENANT_A, 'POST', `/subscriptions/${id}/reauthorize`)).status).toBe(204);

    sim.expireSubscription(id);
    expect((await graph(sim, TENANT_A, 'GET', `/subscriptions/${id}`)).status).toBe(404);
    expect(
      (await graph(sim, TENANT_A, 'PATCH', `/subscriptions/${id}`, { expirationDateTime: inMinutes(60) }))
        .status,
    ).toBe(404);
    expect(
      ((await graph(sim, TENANT_A, 'GET', '/subscriptions')).body as { value: unknown[] }).value,
    ).toEqual([]);

    const second = graphSubscriptionSchema.parse(
      (await graph(sim, TENANT_A, 'POST', '/subscriptions', request())).body,
    ).id;
    expect((await graph(sim, TENANT_A, 'DELETE', `/subscriptions/${second}`)).status).toBe(204);
    expect((await graph(sim, TENANT_A, 'DELETE', `/subscriptions/${second}`)).status).toBe(404);
  });
});
