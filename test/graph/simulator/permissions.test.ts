/**
 * The simulator refusing a permission the app was not granted: Graph's 403 Authorization_RequestDenied on that
 * permission's routes only, inside `$batch` too, and granted again once the denied list is emptied.
 */
import { batchResponseSchema, graphErrorSchema } from '../../../src/graph/wire-schemas';
import { startGraphSimulator, type GraphSimulator } from '../../../src/graph/simulator';
import { GROUP_ID, graph, RA_ID, smallTenant, TENANT_A } from './small-tenant';

describe('Graph simulator: denied permissions', () => {
  let sim: GraphSimulator;

  beforeEach(async () => {
    sim = await startGraphSimulator({ deniedPermissions: ['AuditLog.Read.All'] });
    sim.seed(smallTenant());
  });
  afterEach(async () => {
    await sim.stop();
  });

  it('answers 403 Authorization_RequestDenied on the denied routes and serves the others', async () => {
    const audits = await graph(sim, TENANT_A, 'GET', '/auditLogs/directoryAudits?$top=1');
    expect(audits.status).toBe(403);
    const error = graphErrorSchema.parse(audits.body).error;
    expect(error.code).toBe('Authorization_RequestDenied');
    expect(error.message).toBe('Insufficient privileges to complete the operation.');

    expect((await graph(sim, TENANT_A, 'GET', '/users?$top=1')).status).toBe(200);
    expect((await graph(sim, TENANT_A, 'GET', '/subscribedSkus')).status).toBe(200);
    const groups = await graph(sim, TENANT_A, 'GET', '/groups?$top=1&$select=id');
    expect(groups.status).toBe(200);
    expect(groups.body).toMatchObject({ value: [{ id: GROUP_ID }] });
  });

  it('refuses a denied route inside $batch per item, and grants everything again when told', async () => {
    sim.denyPermissions(['user.read.all']);
    const batch = await graph(sim, TENANT_A, 'POST', '/$batch', {
      requests: [
        { id: '1', method: 'GET', url: `/users/${RA_ID}` },
        { id: '2', method: 'GET', url: '/auditLogs/directoryAudits?$top=1' },
      ],
    });
    const items = batchResponseSchema.parse(batch.body).responses;
    expect(items.find((r) => r.id === '1')?.status).toBe(403);
    // The list was replaced: the audit log is granted again.
    expect(items.find((r) => r.id === '2')?.status).toBe(200);

    sim.denyPermissions([]);
    expect((await graph(sim, TENANT_A, 'GET', `/users/${RA_ID}`)).status).toBe(200);
  });
});
