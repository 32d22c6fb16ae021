import { RetryLaterError } from '../../../src/errors';
import { createGraphReader } from '../../../src/graph/client/graph-reader-client';
import { silentLogger } from '../../../src/logger';
import { GraphStubServer, type RecordedRequest, type StubAnswer } from '../../support/graph-stub-server';

const TENANT = '5f1c9a3e-7d2b-4c8e-9a61-3b0d4e2f8c17';
const userId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const userBody = (id: string) => ({
  id,
  displayName: `User ${id.slice(-4)}`,
  accountEnabled: true,
  assignedLicenses: [],
  licenseAssignmentStates: [],
});

interface BatchRequestItem {
  id: string;
  method: string;
  url: string;
}
const itemsOf = (request: RecordedRequest) => (request.body as { requests: BatchRequestItem[] }).requests;
const idFromUrl = (url: string) => /^\/users\/([^?]+)\?/.exec(url)?.[1] ?? '';

/** Answers every item with its user, in reverse order (Graph may reorder), unless `special` says otherwise. */
function batchAnswer(
  special: (
    userId: string,
    call: number,
  ) => { status: number; headers?: Record<string, string>; body?: unknown } | null = () => null,
) {
  return (request: RecordedRequest, call: number): StubAnswer => ({
    json: {
      responses: itemsOf(request)
        .map((item) => {
          const id = idFromUrl(item.url);
          return {
            id: item.id,
            ...(special(id, call) ?? {
              status: 200,
              headers: { 'Content-Type': 'application/json' },
              body: userBody(id),
            }),
          };
        })
        .reverse(),
    },
  });
}

let stub: GraphStubServer;
beforeEach(async () => {
  stub = await GraphStubServer.start();
});
afterEach(async () => {
  await stub.close();
});

const reader = (maxRetries = 3) =>
  createGraphReader({
    baseUrl: stub.baseUrl,
    tokenProvider: () => Promise.resolve('token'),
    logger: silentLogger(),
    retry: { maxRetries, baseDelayMs: 10, maxDelayMs: 5_000 },
  });

describe('getUsers through JSON $batch, over a real socket', () => {
  it('reads 45 users in 3 $batch calls of at most 20', async () => {
    stub.on('POST', '/v1.0/$batch', batchAnswer());
    const ids = Array.from({ length: 45 }, (_, i) => userId(i + 1));
    const users = await reader().getUsers(TENANT, ids);
    const calls = stub.requestsTo('POST', '/v1.0/$batch');
    expect(calls.map((c) => itemsOf(c).length)).toEqual([20, 20, 5]);
    expect(calls.flatMap((c) => itemsOf(c).map((i) => idFromUrl(i.url)))).toEqual(ids);
    expect(itemsOf(calls[0]!)[0]?.url).toMatch(
      /\$select=id,displayName,userPrincipalName,accountEnabled,department,assignedLicenses,licenseAssignmentStates$/,
    );
    expect([...users.keys()].sort()).toEqual([...ids].sort());
    expect(users.get(userId(7))).toMatchObject({ userId: userId(7), tenantId: TENANT, deleted: false });
  });

  it('retries only the throttled items, not before their own Retry-After', async () => {
    const slow = userId(3);
    stub.on(
      'POST',
      '/v1.0/$batch',
      batchAnswer((id, call) =>
        id === slow && call === 0
          ? { status: 429, headers: { 'Retry-After': '1' }, body: { error: { code: 'TooManyRequests' } } }
          : null,
      ),
    );
    const ids = [userId(1), userId(2), slow];
    const users = await reader().getUsers(TENANT, ids);
    const [first, second] = stub.requestsTo('POST', '/v1.0/$batch');
    expect(itemsOf(second!).map((i) => idFromUrl(i.url))).toEqual([slow]);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1_000);
    expect(users.get(slow)?.deleted).toBe(false);
    expect(users.size).toBe(3);
  });

  it('maps a 404 item to a deleted user and keeps the others', async () => {
    const gone = userId(2);
    stub.on(
      'POST',
      '/v1.0/$batch',
      batchAnswer((id) =>
        id === gone ? { status: 404, body: { error: { code: 'Request_ResourceNotFound' } } } : null,
      ),
    );
    const users = await reader().getUsers(TENANT, [userId(1), gone]);
    expect(users.get(gone)).toMatchObject({ deleted: true, userId: gone });
    expect(users.get(userId(1))?.deleted).toBe(false);
  });

  it('asks again for an item Graph left out of the answer', async () => {
    const dropped = userId(2);
    stub.on('POST', '/v1.0/$batch', (request, call) => {
      const answer = batchAnswer()(request, call) as { json: { responses: Array<{ body: { id: string } }> } };
      if (call === 0) answer.json.responses = answer.json.responses.filter((r) => r.body.id !== dropped);
      return answer;
    });
    const users = await reader().getUsers(TENANT, [userId(1), dropped]);
    expect(users.get(dropped)?.deleted).toBe(false);
    expect(stub.requestsTo('POST', '/v1.0/$batch')).toHaveLength(2);
  });

  it('gives up with RetryLaterError when items stay throttled', async () => {
    stub.on(
      'POST',
      '/v1.0/$batch',
      batchAnswer(() => ({ status: 429, headers: { 'retry-after': '0.02' } })),
    );
    const error = await reader(2)
      .getUsers(TENANT, [userId(1)])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryLaterError);
    expect((error as RetryLaterError).delayMs).toBe(20);
    expect(stub.requestsTo('POST', '/v1.0/$batch')).toHaveLength(3);
  });
});
