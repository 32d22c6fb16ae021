import { PermanentError, RetryLaterError } from '../../../src/errors';
import { createGraphReader } from '../../../src/graph/client/graph-reader-client';
import { GraphStubServer } from '../../support/graph-stub-server';
import { captureLogs } from './log-capture';

const TENANT = '5f1c9a3e-7d2b-4c8e-9a61-3b0d4e2f8c17';
const USER = 'a3f6c2d1-9b84-4e7a-8c15-6d2e0f9b7a41';
const USER_PATH = `/v1.0/users/${USER}`;
const TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOi.secret-token-value';
const user = {
  id: USER,
  displayName: 'Sales Queue',
  userPrincipalName: 'ra_cq_sales@contoso.onmicrosoft.com',
  accountEnabled: false,
  assignedLicenses: [],
  licenseAssignmentStates: [],
};
const throttled = (retryAfter: string) => ({
  status: 429,
  headers: { 'retry-after': retryAfter },
  json: { error: { code: 'TooManyRequests', message: 'Please retry again later.' } },
});

let stub: GraphStubServer;
beforeEach(async () => {
  stub = await GraphStubServer.start();
});
afterEach(async () => {
  await stub.close();
});

function reader(
  options: { maxRetries?: number; maxDelayMs?: number; timeoutMs?: number; baseUrl?: string } = {},
) {
  const logs = captureLogs();
  const graph = createGraphReader({
    baseUrl: options.baseUrl ?? stub.baseUrl,
    tokenProvider: (tenantId) => Promise.resolve(tenantId === TENANT ? TOKEN : 'wrong-tenant'),
    logger: logs.logger,
    retry: { maxRetries: options.maxRetries ?? 3, baseDelayMs: 20, maxDelayMs: options.maxDelayMs ?? 5_000 },
    requestTimeoutMs: options.timeoutMs ?? 5_000,
  });
  return { graph, logs };
}

describe('Graph client throttling and faults, over a real socket', () => {
  it('sends no request before a Retry-After of 1 s has elapsed', async () => {
    stub.on('GET', USER_PATH, throttled('1'), { json: user });
    const { graph } = reader();
    const snapshot = await graph.getUser(TENANT, USER);
    expect(snapshot.displayName).toBe('Sales Queue');
    const [first, second] = stub.requestsTo('GET', USER_PATH);
    expect(second).toBeDefined();
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1_000);
  });

  it('holds every request for the tenant, not only the throttled one, until Retry-After has elapsed', async () => {
    const other = '0d5e9b27-c4a1-4f83-b6e2-7a19f3c08d54';
    stub.on('GET', USER_PATH, throttled('1'));
    stub.on('GET', `/v1.0/users/${other}`, { json: { ...user, id: other } });
    const { graph } = reader({ maxRetries: 0 });
    await expect(graph.getUser(TENANT, USER)).rejects.toBeInstanceOf(RetryLaterError);
    await graph.getUser(TENANT, other);
    const [throttledCall] = stub.requestsTo('GET', USER_PATH);
    const [otherCall] = stub.requestsTo('GET', `/v1.0/users/${other}`);
    expect(otherCall!.at - throttledCall!.at).toBeGreaterThanOrEqual(1_000);
  });

  it('honours a Retry-After given as an HTTP date', async () => {
    stub.on('GET', USER_PATH, () => throttled(new Date(Date.now() + 2_000).toUTCString()), { json: user });
    const { graph } = reader();
    await graph.getUser(TENANT, USER);
    const [first, second] = stub.requestsTo('GET', USER_PATH);
    // HTTP dates have whole seconds: at least 1 s of the 2 s remains after truncation.
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1_000);
  });

  it('retries a 503 and a 504, then succeeds', async () => {
    stub.on('GET', USER_PATH, { status: 503 }, { status: 504, raw: 'gateway timeout' }, { json: user });
    const { graph } = reader();
    expect((await graph.getUser(TENANT, USER)).userId).toBe(USER);
    expect(stub.requestsTo('GET', USER_PATH)).toHaveLength(3);
  });

  it('gives up after maxRetries with RetryLaterError carrying the delay Graph asked for', async () => {
    stub.on('GET', USER_PATH, throttled('0.05'));
    const { graph } = reader({ maxRetries: 2 });
    const error = await graph.getUser(TENANT, USER).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryLaterError);
    expect((error as RetryLaterError).delayMs).toBe(50);
    expect(stub.requestsTo('GET', USER_PATH)).toHaveLength(3);
  });

  it('hands a Retry-After longer than maxDelayMs back at once instead of blocking', async () => {
    stub.on('GET', USER_PATH, throttled('120'), { json: user });
    const { graph } = reader({ maxDelayMs: 1_000 });
    const error = await graph.getUser(TENANT, USER).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryLaterError);
    expect((error as RetryLaterError).delayMs).toBe(120_000);
    expect(stub.requestsTo('GET', USER_PATH)).toHaveLength(1);
    // The tenant stays gated: the next call does not reach Graph either.
    await expect(graph.getUser(TENANT, USER)).rejects.toBeInstanceOf(RetryLaterError);
    expect(stub.requestsTo('GET', USER_PATH)).toHaveLength(1);
  });

  it('times out a slow answer and retries it', async () => {
    stub.on('GET', USER_PATH, { json: user, delayMs: 1_500 }, { json: user });
    const { graph, logs } = reader({ timeoutMs: 200 });
    expect((await graph.getUser(TENANT, USER)).userId).toBe(USER);
    expect(stub.requestsTo('GET', USER_PATH)).toHaveLength(2);
    expect(logs.text()).toMatch(/no answer within 200 ms/);
  });

  it('retries network errors, then reports RetryLaterError', async () => {
    const { graph } = reader({ maxRetries: 1, baseUrl: stub.baseUrl });
    await stub.close();
    const error = await graph.getUser(TENANT, USER).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryLaterError);
    expect((error as Error).message).toMatch(/2 attempt/);
    stub = await GraphStubServer.start(); // afterEach closes it
  });

  it('maps 404 on a user to a deleted snapshot', async () => {
    stub.on('GET', USER_PATH, {
      status: 404,
      json: { error: { code: 'Request_ResourceNotFound', message: 'gone' } },
    });
    const snapshot = await reader().graph.getUser(TENANT, USER);
    expect(snapshot).toMatchObject({ userId: USER, tenantId: TENANT, deleted: true, assignedLicenses: [] });
  });

  it('names the missing permission on a 403', async () => {
    stub.on('GET', USER_PATH, {
      status: 403,
      json: {
        error: {
          code: 'Authorization_RequestDenied',
          message: 'Insufficient privileges to complete the operation.',
        },
      },
    });
    const error = await reader()
      .graph.getUser(TENANT, USER)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as PermanentError).reason).toBe('graph-forbidden');
    expect((error as Error).message).toMatch(/User\.Read\.All/);
    expect((error as Error).message).toMatch(/Authorization_RequestDenied/);
  });

  it('reports malformed JSON as a permanent graph-shape error', async () => {
    stub.on('GET', USER_PATH, {
      status: 200,
      headers: { 'content-type': 'application/json' },
      raw: '{"id": "a3f6c2d1-',
    });
    const error = await reader()
      .graph.getUser(TENANT, USER)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as PermanentError).reason).toBe('graph-shape');
    expect((error as Error).message).toMatch(/is not JSON/);
  });

  it('reports a wrong shape with the path of the bad field', async () => {
    stub.on('GET', USER_PATH, {
      json: { ...user, assignedLicenses: [{ skuId: 'not-a-guid', disabledPlans: [] }] },
    });
    const error = await reader()
      .graph.getUser(TENANT, USER)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as PermanentError).reason).toBe('graph-shape');
    expect((error as Error).message).toMatch(/assignedLicenses\[0\]\.skuId: expected a GUID/);
  });

  it('sends the bearer token from the provider and never logs it', async () => {
    stub.on('GET', USER_PATH, throttled('0'), { json: user });
    const { graph, logs } = reader();
    await graph.getUser(TENANT, USER);
    expect(stub.requestsTo('GET', USER_PATH).map((r) => r.headers.authorization)).toEqual([
      `Bearer ${TOKEN}`,
      `Bearer ${TOKEN}`,
    ]);
    expect(logs.lines().length).toBeGreaterThan(0);
    expect(logs.text()).not.toContain('secret-token-value');
  });

  it('uses a national cloud base URL as given, selecting the user properties', async () => {
    stub.on('GET', `/gov${USER_PATH}`, { json: user });
    const { graph } = reader({ baseUrl: `${stub.baseUrl}/gov/` });
    await graph.getUser(TENANT, USER);
    const [request] = stub.requestsTo('GET', `/gov${USER_PATH}`);
    expect(request?.query.get('$select')).toBe(
      'id,displayName,userPrincipalName,accountEnabled,department,assignedLicenses,licenseAssignmentStates',
    );
  });
});
