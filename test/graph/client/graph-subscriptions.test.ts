import { PermanentError } from '../../../src/errors';
import { createGraphSubscriptions } from '../../../src/graph/client/graph-subscriptions-client';
import { GraphStubServer } from '../../support/graph-stub-server';
import { captureLogs } from './log-capture';

const TENANT = '5f1c9a3e-7d2b-4c8e-9a61-3b0d4e2f8c17';
const SUB = '8b2e4c71-0f3a-4d9b-b6e5-2a7c91d0f34e';
const CLIENT_STATE = 'ra-watch-7Qk2vX9pLm-very-secret';
const graphSubscription = (expires: string) => ({
  '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#subscriptions/$entity',
  id: SUB,
  resource: 'users',
  applicationId: '3c9f1e27-84b6-4d0a-9f52-1e7a6c0b8d43',
  changeType: 'updated,deleted',
  clientState: CLIENT_STATE,
  notificationUrl: 'https://ra-watch.contoso.com/notifications',
  lifecycleNotificationUrl: 'https://ra-watch.contoso.com/lifecycle',
  expirationDateTime: expires,
  creatorId: 'b5d0e8a2-7c31-4f69-a4e7-0d2c9f1b6e58',
});
const request = {
  tenantId: TENANT,
  resource: 'users',
  changeType: 'updated,deleted',
  notificationUrl: 'https://ra-watch.contoso.com/notifications',
  lifecycleNotificationUrl: 'https://ra-watch.contoso.com/lifecycle',
  clientState: CLIENT_STATE,
  expirationDateTime: '2025-03-31T09:58:12.417Z',
};

let stub: GraphStubServer;
beforeEach(async () => {
  stub = await GraphStubServer.start();
});
afterEach(async () => {
  await stub.close();
});

function client() {
  const logs = captureLogs();
  const subscriptions = createGraphSubscriptions({
    baseUrl: stub.baseUrl,
    tokenProvider: () => Promise.resolve('token'),
    logger: logs.logger,
    retry: { maxRetries: 1, baseDelayMs: 10, maxDelayMs: 1_000 },
  });
  return { subscriptions, logs };
}

describe('Graph subscriptions adapter, over a real socket', () => {
  it("creates a subscription with Graph's body and hands back its info without the clientState", async () => {
    stub.on('POST', '/v1.0/subscriptions', {
      status: 201,
      json: graphSubscription('2025-03-31T09:58:12.4170000Z'),
    });
    const { subscriptions, logs } = client();
    const info = await subscriptions.create(request);
    expect(info).toEqual({
      id: SUB,
      resource: 'users',
      changeType: 'updated,deleted',
      notificationUrl: 'https://ra-watch.contoso.com/notifications',
      lifecycleNotificationUrl: 'https://ra-watch.contoso.com/lifecycle',
      expirationDateTime: '2025-03-31T09:58:12.417Z',
    });
    const [sent] = stub.requestsTo('POST', '/v1.0/subscriptions');
    expect(sent?.body).toEqual({
      changeType: 'updated,deleted',
      notificationUrl: 'https://ra-watch.contoso.com/notifications',
      lifecycleNotificationUrl: 'https://ra-watch.contoso.com/lifecycle',
      resource: 'users',
      expirationDateTime: '2025-03-31T09:58:12.417Z',
      clientState: CLIENT_STATE,
      latestSupportedTlsVersion: 'v1_2',
    });
    expect(logs.text()).not.toContain(CLIENT_STATE);
  });

  it('leaves lifecycleNotificationUrl out when there is none', async () => {
    stub.on('POST', '/v1.0/subscriptions', {
      status: 201,
      json: { ...graphSubscription('2025-03-31T09:58:12Z'), lifecycleNotificationUrl: null },
    });
    const info = await client().subscriptions.create({ ...request, lifecycleNotificationUrl: null });
    expect(info.lifecycleNotificationUrl).toBeNull();
    expect(stub.requestsTo('POST', '/v1.0/subscriptions')[0]?.body).not.toHaveProperty(
      'lifecycleNotificationUrl',
    );
  });

  it('renews with PATCH, and answers null when Graph no longer knows the subscription', async () => {
    stub.on(
      'PATCH',
      `/v1.0/subscriptions/${SUB}`,
      { json: graphSubscription('2025-04-20T09:00:00+00:00') },
      { status: 404, json: { error: { code: 'ResourceNotFound' } } },
    );
    const { subscriptions } = client();
    expect((await subscriptions.renew(TENANT, SUB, '2025-04-20T09:00:00.000Z'))?.expirationDateTime).toBe(
      '2025-04-20T09:00:00.000Z',
    );
    expect(stub.requestsTo('PATCH', `/v1.0/subscriptions/${SUB}`)[0]?.body).toEqual({
      expirationDateTime: '2025-04-20T09:00:00.000Z',
    });
    expect(await subscriptions.renew(TENANT, SUB, '2025-04-20T09:00:00.000Z')).toBeNull();
  });

  it('reauthorizes, and reports false for a gone subscription', async () => {
    stub.on(
      'POST',
      `/v1.0/subscriptions/${SUB}/reauthorize`,
      { status: 204 },
      { status: 404, json: { error: { code: 'ResourceNotFound' } } },
    );
    const { subscriptions } = client();
    expect(await subscriptions.reauthorize(TENANT, SUB)).toBe(true);
    expect(await subscriptions.reauthorize(TENANT, SUB)).toBe(false);
  });

  it('deletes, and answers false when it was already gone', async () => {
    stub.on(
      'DELETE',
      `/v1.0/subscriptions/${SUB}`,
      { status: 204 },
      { status: 404, json: { error: { code: 'ResourceNotFound' } } },
    );
    const { subscriptions } = client();
    expect(await subscriptions.delete(TENANT, SUB)).toBe(true);
    expect(await subscriptions.delete(TENANT, SUB)).toBe(false);
  });

  it('lists across pages', async () => {
    stub.on('GET', '/v1.0/subscriptions', (r) =>
      r.query.get('$skiptoken') === null
        ? {
            json: {
              value: [graphSubscription('2025-03-31T09:58:12Z')],
              '@odata.nextLink': `${stub.baseUrl}/v1.0/subscriptions?$skiptoken=2`,
            },
          }
        : {
            json: {
              value: [{ ...graphSubscription('2025-03-30T09:58:12Z'), id: 'other', resource: 'groups' }],
            },
          },
    );
    expect((await client().subscriptions.list(TENANT)).map((s) => [s.id, s.resource])).toEqual([
      [SUB, 'users'],
      ['other', 'groups'],
    ]);
  });

  it('explains a 403 over the quota', async () => {
    stub.on('POST', '/v1.0/subscriptions', {
      status: 403,
      json: {
        error: {
          code: 'ExtensionError',
          message:
            'Operation: Create; Exception: [Status Code: Forbidden; Reason: Subscription quota exceeded. The maximum number of subscriptions has been reached.]',
        },
      },
    });
    const error = await client()
      .subscriptions.create(request)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as PermanentError).reason).toBe('subscription-quota');
    expect((error as Error).message).toMatch(/100 per app per tenant, 1,000 per tenant/);
  });

  it('explains a 400 validation failure as an unreachable PUBLIC_BASE_URL', async () => {
    stub.on('POST', '/v1.0/subscriptions', {
      status: 400,
      json: {
        error: {
          code: 'ValidationError',
          message:
            'Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.',
        },
      },
    });
    const error = await client()
      .subscriptions.create(request)
      .catch((e: unknown) => e);
    expect((error as PermanentError).reason).toBe('subscription-validation');
    expect((error as Error).message).toMatch(
      /^Graph could not validate https:\/\/ra-watch\.contoso\.com\/notifications: make PUBLIC_BASE_URL reachable from the internet/,
    );
  });

  it("passes on other 400s with Graph's own words", async () => {
    stub.on('POST', '/v1.0/subscriptions', {
      status: 400,
      json: {
        error: {
          code: 'InvalidRequest',
          message: "ChangeType 'created' is not supported for resource 'users'.",
        },
      },
    });
    const error = await client()
      .subscriptions.create({ ...request, changeType: 'created' })
      .catch((e: unknown) => e);
    expect((error as PermanentError).reason).toBe('graph-request');
    expect((error as Error).message).toMatch(/ChangeType 'created' is not supported/);
  });
});
