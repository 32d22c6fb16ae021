import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeltaExpiredError } from '../../../src/errors';
import { createGraphReader } from '../../../src/graph/client/graph-reader-client';
import { GraphStubServer } from '../../support/graph-stub-server';
import { captureLogs } from './log-capture';

const TENANT = '5f1c9a3e-7d2b-4c8e-9a61-3b0d4e2f8c17';
const RA_USER = 'a3f6c2d1-9b84-4e7a-8c15-6d2e0f9b7a41';
const auditSample = (name: string): unknown[] =>
  (JSON.parse(readFileSync(join(__dirname, '..', 'audit', 'samples', name), 'utf8')) as { value: unknown[] })
    .value;

let stub: GraphStubServer;
beforeEach(async () => {
  stub = await GraphStubServer.start();
});
afterEach(async () => {
  await stub.close();
});

function reader(skuCacheMs = 60_000) {
  const logs = captureLogs();
  const graph = createGraphReader({
    baseUrl: stub.baseUrl,
    tokenProvider: () => Promise.resolve('token'),
    logger: logs.logger,
    skuCacheMs,
    retry: { maxRetries: 1, baseDelayMs: 10, maxDelayMs: 1_000 },
  });
  return { graph, logs };
}

describe('users delta', () => {
  const user = (id: string) => ({
    id,
    displayName: 'Front Desk Phone',
    accountEnabled: true,
    assignedLicenses: [{ skuId: '295a8eb0-f78d-45c7-8b5b-1eed5ed02dff', disabledPlans: [] }],
  });

  it('starts with $select, follows the opaque nextLink as given, and ends on a deltaLink with removals', async () => {
    const next = `${stub.baseUrl}/v1.0/users/delta?$skiptoken=ab%2Fcd%3D%3D_x-1`;
    stub.on('GET', '/v1.0/users/delta', (request) =>
      request.query.get('$skiptoken') === null
        ? { json: { value: [user('0d5e9b27-c4a1-4f83-b6e2-7a19f3c08d54')], '@odata.nextLink': next } }
        : {
            json: {
              value: [
                { id: '47e1b2c9-6d0a-4f35-8e21-b9c4a7d3f018', '@removed': { reason: 'changed' } },
                { id: '6c2f0e84-9a71-4b3d-8e56-f1d4a7b0c923', '@removed': { reason: 'deleted' } },
              ],
              '@odata.deltaLink': `${stub.baseUrl}/v1.0/users/delta?$deltatoken=tok`,
            },
          },
    );
    const { graph } = reader();
    const first = await graph.getUsersDeltaPage(TENANT, null);
    expect(first.nextLink).toBe(next);
    expect(first.deltaLink).toBeNull();
    expect(first.users).toEqual([
      {
        kind: 'user',
        snapshot: expect.objectContaining({
          userId: '0d5e9b27-c4a1-4f83-b6e2-7a19f3c08d54',
          deleted: false,
          department: null,
        }),
      },
    ]);
    const last = await graph.getUsersDeltaPage(TENANT, first.nextLink);
    expect(last.users).toEqual([
      { kind: 'removed', userId: '47e1b2c9-6d0a-4f35-8e21-b9c4a7d3f018', reason: 'changed' },
      { kind: 'removed', userId: '6c2f0e84-9a71-4b3d-8e56-f1d4a7b0c923', reason: 'deleted' },
    ]);
    expect(last.deltaLink).toBe(`${stub.baseUrl}/v1.0/users/delta?$deltatoken=tok`);
    const [firstCall, secondCall] = stub.requestsTo('GET', '/v1.0/users/delta');
    expect(firstCall?.query.get('$select')).toBe(
      'id,displayName,userPrincipalName,accountEnabled,department,assignedLicenses',
    );
    expect(secondCall?.url).toBe('/v1.0/users/delta?$skiptoken=ab%2Fcd%3D%3D_x-1');
  });

  it.each([
    ['410 Gone', 410, { error: { code: 'resyncRequired', message: 'gone' } }],
    [
      '400 syncStateNotFound',
      400,
      { error: { code: 'syncStateNotFound', message: 'The sync state generation is not found.' } },
    ],
  ])('throws DeltaExpiredError on %s', async (_name, status, json) => {
    stub.on('GET', '/v1.0/users/delta', { status, json });
    await expect(
      reader().graph.getUsersDeltaPage(TENANT, `${stub.baseUrl}/v1.0/users/delta?$deltatoken=old`),
    ).rejects.toBeInstanceOf(DeltaExpiredError);
  });
});

describe('subscribedSkus cache', () => {
  const skus = (enabled: number) => ({
    value: [
      {
        skuId: 'e43b5b99-8dfb-405f-9987-dc307f34bcbd',
        skuPartNumber: 'MCOEV',
        capabilityStatus: 'Enabled',
        consumedUnits: 3,
        prepaidUnits: { enabled, suspended: 0, warning: 0 },
        servicePlans: [{ servicePlanId: '4828c8ec-dc2e-4779-b502-87ac9ce28ab7', servicePlanName: 'MCOEV' }],
      },
    ],
  });

  it('serves the cache, bypasses it when fresh, and refreshes it once it is older than skuCacheMs', async () => {
    stub.on('GET', '/v1.0/subscribedSkus', { json: skus(10) }, { json: skus(20) }, { json: skus(30) });
    // A cache life long enough that a loaded CI machine cannot outlast it between the first two reads.
    const { graph } = reader(3_000);
    expect((await graph.getSubscribedSkus(TENANT))[0]).toMatchObject({
      skuPartNumber: 'MCOEV',
      enabledUnits: 10,
      consumedUnits: 3,
    });
    expect((await graph.getSubscribedSkus(TENANT))[0]?.enabledUnits).toBe(10);
    expect(stub.requestsTo('GET', '/v1.0/subscribedSkus')).toHaveLength(1);
    expect((await graph.getSubscribedSkus(TENANT, { fresh: true }))[0]?.enabledUnits).toBe(20);
    await new Promise((resolve) => setTimeout(resolve, 3_100));
    expect((await graph.getSubscribedSkus(TENANT))[0]?.enabledUnits).toBe(30);
    expect(stub.requestsTo('GET', '/v1.0/subscribedSkus')).toHaveLength(3);
  });

  it('caches per tenant', async () => {
    stub.on('GET', '/v1.0/subscribedSkus', { json: skus(10) });
    const { graph } = reader();
    await graph.getSubscribedSkus(TENANT);
    await graph.getSubscribedSkus('11111111-1111-4111-8111-111111111111');
    expect(stub.requestsTo('GET', '/v1.0/subscribedSkus')).toHaveLength(2);
  });
});

describe('Teams user configuration', () => {
  const path = `/v1.0/admin/teams/userConfigurations/${RA_USER}`;

  it('reads the account type', async () => {
    stub.on('GET', path, {
      json: { id: RA_USER, accountType: 'resourceAccount', featureTypes: ['VirtualUser'] },
    });
    expect(await reader().graph.getTeamsUserConfiguration(TENANT, RA_USER)).toEqual({
      userId: RA_USER,
      accountType: 'resourceAccount',
      featureTypes: ['VirtualUser'],
    });
  });

  it('answers null on 404 and on 403, warning about the permission once per tenant', async () => {
    stub.on('GET', path, { status: 403, json: { error: { code: 'Forbidden', message: 'Missing role' } } });
    stub.on('GET', '/v1.0/admin/teams/userConfigurations/nobody', {
      status: 404,
      json: { error: { code: 'NotFound' } },
    });
    const { graph, logs } = reader();
    expect(await graph.getTeamsUserConfiguration(TENANT, RA_USER)).toBeNull();
    expect(await graph.getTeamsUserConfiguration(TENANT, RA_USER)).toBeNull();
    expect(await graph.getTeamsUserConfiguration(TENANT, 'nobody')).toBeNull();
    expect(
      logs.lines().filter((l) => String(l['msg']).includes('TeamsUserConfiguration.Read.All')),
    ).toHaveLength(1);
  });
});

describe('license activities from the directory audit log', () => {
  it('filters by user and window, follows nextLink, and pairs the records', async () => {
    const records = [
      ...auditSample('directory-audit-change-user-license.json'),
      ...auditSample('directory-audit-update-user-license.json'),
    ];
    stub.on('GET', '/v1.0/auditLogs/directoryAudits', (request) =>
      request.query.get('$skiptoken') === null
        ? {
            json: {
              value: records.slice(0, 3),
              '@odata.nextLink': `${stub.baseUrl}/v1.0/auditLogs/directoryAudits?$skiptoken=p2`,
            },
          }
        : { json: { value: [...records.slice(3), { id: 'odd', activityDisplayName: 'Update user' }] } },
    );
    const { graph, logs } = reader();
    const activities = await graph.getLicenseActivities(
      TENANT,
      RA_USER,
      '2025-03-04T10:00:00Z',
      '2025-03-04T11:00:00Z',
    );
    expect(activities.map((a) => [a.removedSkuIds, a.addedSkuIds])).toEqual([
      [['e43b5b99-8dfb-405f-9987-dc307f34bcbd'], []],
      [[], ['440eaaa8-b3e0-484b-a8be-62870b9ba70a']],
    ]);
    const [first] = stub.requestsTo('GET', '/v1.0/auditLogs/directoryAudits');
    expect(first?.query.get('$filter')).toBe(
      `targetResources/any(t: t/id eq '${RA_USER}') and activityDateTime ge 2025-03-04T10:00:00Z and activityDateTime le 2025-03-04T11:00:00Z`,
    );
    expect(stub.requestsTo('GET', '/v1.0/auditLogs/directoryAudits')).toHaveLength(2);
    // The odd record is reported, not fatal.
    expect(logs.lines().some((l) => l['kind'] === 'unreadable-record')).toBe(true);
  });
});
