/**
 * The simulator checks application permissions on POST /subscriptions the way Graph does: creating a subscription
 * needs the permission that reads its resource (User.Read.All for users, Group.Read.All for groups), and a tenant
 * whose consent lacks it gets the subscription service's 403 ExtensionError (tenant-consent.ts cites the sources),
 * not the directory's Authorization_RequestDenied. ra-watch's own Graph client then names the permission to grant.
 */
import { PermanentError } from '../../../src/errors';
import { createGraphSubscriptions } from '../../../src/graph/client/graph-subscriptions-client';
import { graphErrorSchema } from '../../../src/graph/wire-schemas';
import { startGraphSimulator, type GraphSimulator } from '../../../src/graph/simulator';
import { silentLogger } from '../../../src/logger';
import { graph, smallTenant, TENANT_A, TENANT_B } from './small-tenant';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver';

const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

describe('Graph simulator: permissions on POST /subscriptions', () => {
  let sim: GraphSimulator;
  let receiver: WebhookReceiver;

  beforeEach(async () => {
    sim = await startGraphSimulator({ validationTimeoutMs: 500, notifications: { latencyMs: 0 } });
    // Tenant A seeded without User.Read.All; tenant B with every permission.
    sim.seed({ ...smallTenant(), missingPermissions: ['User.Read.All'] });
    sim.seed(smallTenant(TENANT_B, 'fabrikam'));
    receiver = await startWebhookReceiver();
  });
  afterEach(async () => {
    await sim.stop();
    await receiver.close();
  });

  const request = (resource: string) => ({
    changeType: 'updated,deleted',
    notificationUrl: `${receiver.url}/notifications`,
    lifecycleNotificationUrl: `${receiver.url}/lifecycle`,
    resource,
    expirationDateTime: inMinutes(60),
    clientState: 'ra-watch-7Qk2vX9pLm',
  });

  it("answers 403 ExtensionError in Graph's shape to a users subscription without User.Read.All, and creates nothing", async () => {
    const answer = await graph(sim, TENANT_A, 'POST', '/subscriptions', request('users'));
    expect(answer.status).toBe(403);
    const { error } = graphErrorSchema.parse(answer.body);
    expect(error.code).toBe('ExtensionError');
    expect(error.message).toBe(
      'Operation: Create; Exception: [Status Code: Forbidden; Reason: The request is not authorized for this user or application.]',
    );
    expect(answer.body).toMatchObject({
      error: { innerError: { date: expect.any(String), 'request-id': expect.any(String) } },
    });
    // Refused before the validation handshake: Graph never called the notification URL.
    expect(receiver.posts).toHaveLength(0);
    expect(sim.subscriptions(TENANT_A)).toEqual([]);
    // The directory read itself is refused with the directory's own 403.
    const users = await graph(sim, TENANT_A, 'GET', '/users?$top=1');
    expect(users.status).toBe(403);
    expect(graphErrorSchema.parse(users.body).error.code).toBe('Authorization_RequestDenied');
  });

  it('needs the permission of the resource only: a groups subscription (Group.Read.All granted) is created', async () => {
    const groups = await graph(sim, TENANT_A, 'POST', '/subscriptions', request('/groups'));
    expect(groups.status).toBe(201);
    // The other tenant has User.Read.All.
    expect((await graph(sim, TENANT_B, 'POST', '/subscriptions', request('users'))).status).toBe(201);
    // And groups is refused once its permission is missing too (names compare in any case).
    sim.consent.grant(TENANT_B, { missing: ['group.read.all'] });
    expect((await graph(sim, TENANT_B, 'POST', '/subscriptions', request('groups'))).status).toBe(403);
    expect((await graph(sim, TENANT_B, 'POST', '/subscriptions', request('users'))).status).toBe(201);
  });

  it("is explained by ra-watch's Graph client: the permission to grant, with Graph's words", async () => {
    const client = createGraphSubscriptions({
      baseUrl: sim.url,
      tokenProvider: (tenantId) => Promise.resolve(sim.tokenFor(tenantId)),
      logger: silentLogger(),
      retry: { maxRetries: 0 },
    });
    const refused = await client.create({ tenantId: TENANT_A, ...request('users') }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(PermanentError);
    expect((refused as PermanentError).reason).toBe('graph-forbidden');
    expect((refused as PermanentError).message).toContain('User.Read.All');
    expect((refused as PermanentError).message).toContain('ExtensionError');
  });
});
