/**
 * `ra-watch tenants` (issue 19) in-process through runCli, against a real SQLite store and the Graph simulator over
 * HTTP (a static token of the simulated tenant: the multi-tenant token flow is test/tenants/many-tenants.test.ts).
 */
import { runCli } from '../../src/cli/main';
import { startGraphSimulator, type GraphSimulator } from '../../src/graph/simulator/graph-simulator';
import { silentLogger } from '../../src/logger';
import type { TenantCheck } from '../../src/tenants/permission-probe';
import type { AddOutcome, TenantView } from '../../src/tenants/tenant-service';
import { captureOutput } from '../support/captured-output';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { smallTenant, TENANT_A } from '../graph/simulator/small-tenant';

jest.setTimeout(120_000);

const ENV_NAMES = [
  'DATABASE_URL',
  'GRAPH_BASE_URL',
  'GRAPH_ACCESS_TOKEN',
  'AZURE_TENANT_ID',
  'PUBLIC_BASE_URL',
  'LOG_LEVEL',
];

describe('ra-watch tenants', () => {
  let db: TestDatabase;
  let simulator: GraphSimulator;
  const saved = new Map<string, string | undefined>();

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    simulator = await startGraphSimulator({
      logger: silentLogger(),
      seeds: [{ ...smallTenant(TENANT_A, 'contoso'), displayName: 'Contoso Ltd' }],
    });
    for (const name of ENV_NAMES) saved.set(name, process.env[name]);
    for (const name of ENV_NAMES) delete process.env[name];
    process.env.DATABASE_URL = db.url;
    process.env.LOG_LEVEL = 'silent';
    process.env.GRAPH_BASE_URL = simulator.url;
    process.env.GRAPH_ACCESS_TOKEN = simulator.tokenFor(TENANT_A);
  });
  afterAll(async () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await simulator.stop();
    await db.drop();
  });

  it('adds a tenant by id, names it, and says why it has no subscription (no PUBLIC_BASE_URL)', async () => {
    const out = captureOutput();
    expect(await runCli(['tenants', 'add', TENANT_A.toUpperCase(), '--json'], out)).toBe(0);
    const added = out.documents[0] as AddOutcome;
    expect(added.tenant).toMatchObject({
      id: TENANT_A,
      label: 'Contoso Ltd (contoso.onmicrosoft.com)',
      status: 'active',
    });
    expect(added.tenant.statusDetail).toMatch(/PUBLIC_BASE_URL/);
    expect(added.baseline).toBe('taken');

    const text = captureOutput();
    expect(await runCli(['tenants', 'list'], text)).toBe(0);
    expect(text.lines.join('\n')).toMatch(/Contoso Ltd \(contoso\.onmicrosoft\.com\)\s+11111111-.*active/);
    // The baseline's alerts name the customer in the alerts table too.
    const alerts = captureOutput();
    expect(await runCli(['alerts', 'list', '--state', 'open'], alerts)).toBe(0);
    const [header, ...rows] = alerts.lines;
    expect(header).toMatch(/^ID\s+STATE\s+SEVERITY\s+RULE\s+TENANT\s+ACCOUNT/);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((line) => line.includes('Contoso Ltd (contoso.onmicrosoft.com)'))).toBe(true);
  });

  it('checks a tenant and names the permission its consent lacks; the tenant goes blind', async () => {
    simulator.consent.grant(TENANT_A, { missing: ['TeamsUserConfiguration.Read.All'] });
    const out = captureOutput();
    expect(await runCli(['tenants', 'check', TENANT_A, '--json'], out)).toBe(0);
    const { tenant, check } = out.documents[0] as { tenant: TenantView; check: TenantCheck };
    expect(check.missing).toEqual(['TeamsUserConfiguration.Read.All']);
    // A watched tenant that fails its check is blind (and says so with a watch.blind alert), not forgotten.
    expect(tenant.status).toBe('blind');
    const text = captureOutput();
    expect(await runCli(['tenants', 'check', TENANT_A], text)).toBe(0);
    expect(text.lines.join('\n')).toMatch(/MISSING\s+TeamsUserConfiguration\.Read\.All/);
    simulator.consent.grant(TENANT_A);
  });

  it('refuses what is not a tenant, and remove without --yes, with exit code 2', async () => {
    const bad = captureOutput();
    expect(await runCli(['tenants', 'add', 'not a tenant'], bad)).toBe(2);
    expect(bad.errors.join('\n')).toMatch(/not a tenant id .* or a domain/);
    expect(await runCli(['tenants', 'check', 'nope'], captureOutput())).toBe(2);
    const unconfirmed = captureOutput();
    expect(await runCli(['tenants', 'remove', TENANT_A, '--purge'], unconfirmed)).toBe(2);
    expect(unconfirmed.errors.join('\n')).toMatch(/--yes/);
    // Removing stops the watch and deletes subscriptions in Graph: off a terminal it needs --yes, purge or not.
    const plain = captureOutput();
    expect(await runCli(['tenants', 'remove', TENANT_A], plain)).toBe(2);
    expect(plain.errors.join('\n')).toMatch(/add --yes/);
    const still = captureOutput();
    expect(await runCli(['tenants', 'list', '-o', 'csv'], still)).toBe(0);
    const csv = still.lines.join('\n').split(/\r?\n/);
    expect(csv[0]).toBe('name,id,status,subscriptions,added,added by,detail');
    expect(csv[1]).toContain(TENANT_A);
  });

  it('removes a tenant with its data', async () => {
    const out = captureOutput();
    expect(await runCli(['tenants', 'remove', TENANT_A, '--purge', '--yes', '--json'], out)).toBe(0);
    expect(out.documents[0]).toMatchObject({ tenantId: TENANT_A, purged: expect.any(Object) });
    const list = captureOutput();
    expect(await runCli(['tenants', 'list', '--json'], list)).toBe(0);
    expect(list.documents[0]).toEqual({ tenants: [] });
  });
});
