import { batchResponseSchema, graphErrorSchema, graphUserSchema } from '../../../src/graph/wire-schemas';
import { startGraphSimulator, type GraphSimulator } from '../../../src/graph/simulator';
import { silentLogger, type Logger } from '../../../src/logger';
import { ADELE_ID, graph, RA_ID, smallTenant, TENANT_A, TENANT_B } from './small-tenant';

const SELECT =
  '$select=id,displayName,userPrincipalName,accountEnabled,assignedLicenses,licenseAssignmentStates';

describe('Graph simulator: tokens, $batch and faults', () => {
  let sim: GraphSimulator;
  const logged: Array<Record<string, unknown>> = [];
  const capture: Logger = {
    debug: (obj) => logged.push(obj as Record<string, unknown>),
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
    child: () => capture,
  };

  beforeEach(async () => {
    logged.length = 0;
    sim = await startGraphSimulator({ logger: capture });
    sim.seed(smallTenant());
    sim.seed({ ...smallTenant(TENANT_B, 'fabrikam'), users: [] });
  });
  afterEach(async () => {
    await sim.stop();
  });

  it('chooses the tenant by bearer token, answers 401 in Graph error shape without a known one, and logs every request', async () => {
    expect((await graph(sim, TENANT_A, 'GET', `/users/${RA_ID}`)).status).toBe(200);
    // Tenant B's token does not see tenant A's users.
    expect((await graph(sim, TENANT_B, 'GET', `/users/${RA_ID}`)).status).toBe(404);

    const none = await fetch(`${sim.url}/v1.0/users/${RA_ID}`);
    expect(none.status).toBe(401);
    expect(graphErrorSchema.parse(await none.json()).error.code).toBe('InvalidAuthenticationToken');
    const unknown = await fetch(`${sim.url}/v1.0/users/${RA_ID}`, {
      headers: { Authorization: 'Bearer sim.33333333-0000-4000-8000-000000000000' },
    });
    expect(unknown.status).toBe(401);

    expect(sim.requests().map((r) => [r.method, r.status, r.tenantId])).toEqual([
      ['GET', 200, TENANT_A],
      ['GET', 404, TENANT_B],
      ['GET', 401, null],
      ['GET', 401, null],
    ]);
    expect(logged.map((l) => l['status'])).toEqual([200, 404, 401, 401]);
    expect(JSON.stringify(logged)).not.toContain('Bearer');
  });

  it('routes each $batch item internally and answers per item, a 404 included', async () => {
    const answer = await graph(sim, TENANT_A, 'POST', '/$batch', {
      requests: [
        { id: '1', method: 'GET', url: `/users/${RA_ID}?${SELECT}` },
        { id: '2', method: 'GET', url: `/users/${ADELE_ID}?${SELECT}` },
        { id: '3', method: 'GET', url: `/users/47e1b2c9-6d0a-4f35-8e21-b9c4a7d3f018?${SELECT}` },
        { id: '4', method: 'GET', url: '/subscribedSkus' },
      ],
    });
    expect(answer.status).toBe(200);
    const batch = batchResponseSchema.parse(answer.body);
    const byId = new Map(batch.responses.map((r) => [r.id, r]));
    expect(graphUserSchema.parse(byId.get('1')?.body).id).toBe(RA_ID);
    expect(graphUserSchema.parse(byId.get('2')?.body).id).toBe(ADELE_ID);
    expect(byId.get('3')?.status).toBe(404);
    expect(graphErrorSchema.parse(byId.get('3')?.body).error.code).toBe('Request_ResourceNotFound');
    expect(byId.get('4')?.status).toBe(200);
    expect(sim.requests().filter((r) => r.viaBatch)).toHaveLength(4);
  });

  it('refuses a batch of more than 20 requests', async () => {
    const requests = Array.from({ length: 21 }, (_, i) => ({
      id: String(i + 1),
      method: 'GET',
      url: `/users/${RA_ID}`,
    }));
    const answer = await graph(sim, TENANT_A, 'POST', '/$batch', { requests });
    expect(answer.status).toBe(400);
    expect(graphErrorSchema.parse(answer.body).error.message).toContain('20');
  });

  it("throttles the next matching requests with 429, Retry-After and Graph's body, then serves again", async () => {
    sim.faults.throttleNext('/users/', 2, 7);
    for (let i = 0; i < 2; i++) {
      const throttled = await graph(sim, TENANT_A, 'GET', `/users/${RA_ID}`);
      expect(throttled.status).toBe(429);
      expect(throttled.headers.get('retry-after')).toBe('7');
      expect(graphErrorSchema.parse(throttled.body).error.code).toBe('TooManyRequests');
    }
    // Other routes are untouched, and the count is spent.
    expect((await graph(sim, TENANT_A, 'GET', '/subscribedSkus')).status).toBe(200);
    expect((await graph(sim, TENANT_A, 'GET', `/users/${RA_ID}`)).status).toBe(200);
  });

  it('throttles a $batch item with its own Retry-After inside a 200 batch', async () => {
    sim.faults.throttleNext((r) => r.path.endsWith(ADELE_ID), 1, 5);
    const answer = await graph(sim, TENANT_A, 'POST', '/$batch', {
      requests: [
        { id: '1', method: 'GET', url: `/users/${RA_ID}` },
        { id: '2', method: 'GET', url: `/users/${ADELE_ID}` },
      ],
    });
    expect(answer.status).toBe(200);
    const byId = new Map(batchResponseSchema.parse(answer.body).responses.map((r) => [r.id, r]));
    expect(byId.get('1')?.status).toBe(200);
    expect(byId.get('2')?.status).toBe(429);
    expect(byId.get('2')?.headers?.['Retry-After']).toBe('5');
  });

  it('fails the next requests with 503 / 500 in Graph error shape, optionally with Retry-After', async () => {
    sim.faults.failNext(503, 1, { retryAfterSeconds: 3 });
    sim.faults.failNext(500, 1);
    const first = await graph(sim, TENANT_A, 'GET', `/users/${RA_ID}`);
    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after')).toBe('3');
    expect(graphErrorSchema.parse(first.body).error.code).toBe('serviceNotAvailable');
    const second = await graph(sim, TENANT_A, 'GET', `/users/${RA_ID}`);
    expect(second.status).toBe(500);
    expect((await graph(sim, TENANT_A, 'GET', `/users/${RA_ID}`)).status).toBe(200);
  });

  it('confines a fault to one tenant when the matcher says so', async () => {
    sim.faults.failNext(503, 1, { route: (r) => r.tenantId === TENANT_B });
    expect((await graph(sim, TENANT_A, 'GET', '/subscribedSkus')).status).toBe(200);
    expect((await graph(sim, TENANT_B, 'GET', '/subscribedSkus')).status).toBe(503);
  });

  it('answers slowly when asked: a client that gives up sooner sees no answer', async () => {
    sim.faults.slowNext(1500, 1);
    await expect(
      fetch(`${sim.url}/v1.0/users/${RA_ID}`, {
        headers: { Authorization: `Bearer ${sim.tokenFor(TENANT_A)}` },
        signal: AbortSignal.timeout(100),
      }),
    ).rejects.toThrow();
    // The slow answer still completes correctly for a patient client.
    sim.faults.slowNext(50, 1);
    expect((await graph(sim, TENANT_A, 'GET', `/users/${RA_ID}`)).status).toBe(200);
  });

  it('sends a truncated JSON body when asked for a malformed answer', async () => {
    sim.faults.malformedNext(1, '/users/');
    const broken = await graph(sim, TENANT_A, 'GET', `/users/${RA_ID}`);
    expect(broken.status).toBe(200);
    expect(() => JSON.parse(broken.text) as unknown).toThrow();
    expect((await graph(sim, TENANT_A, 'GET', `/users/${RA_ID}`)).body).toEqual(
      expect.objectContaining({ id: RA_ID }),
    );
  });

  it('answers unknown routes and malformed JSON bodies in Graph error shape', async () => {
    const unknown = await graph(sim, TENANT_A, 'GET', '/me/drive');
    expect(unknown.status).toBe(400);
    expect(graphErrorSchema.safeParse(unknown.body).success).toBe(true);
    const bad = await fetch(`${sim.url}/v1.0/users/${RA_ID}/assignLicense`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${sim.tokenFor(TENANT_A)}`, 'Content-Type': 'application/json' },
      body: '{"addLicenses": [',
    });
    expect(bad.status).toBe(400);
    expect(graphErrorSchema.parse(await bad.json()).error.code).toBe('BadRequest');
  });

  it('keeps working with silentLogger (the default)', async () => {
    const quiet = await startGraphSimulator({ logger: silentLogger() });
    try {
      quiet.seed(smallTenant());
      expect((await graph(quiet, TENANT_A, 'GET', '/subscribedSkus')).status).toBe(200);
    } finally {
      await quiet.stop();
    }
  });
});
