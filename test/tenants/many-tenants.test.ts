/**
 * Many customer tenants in one install (issue 19), through the real HTTP path on both store engines: the API adds
 * tenants by domain and by id, the Entra simulator issues each tenant's token to the real @azure/identity
 * client-credentials flow (TLS, the app's secret, consent per tenant), the Graph simulator refuses a permission the
 * consent lacks, and removal deletes the tenant's subscriptions in Graph. Alerts name the customer.
 */
import { startApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createTokenProvider } from '../../src/graph/client/credential';
import { startEntraSimulator, type EntraSimulator } from '../../src/graph/simulator/entra-simulator';
import { startGraphSimulator, type GraphSimulator } from '../../src/graph/simulator';
import { silentLogger } from '../../src/logger';
import { USERS_DELTA_LINK_KEY } from '../../src/subscriptions/delta-reconcile';
import { smallTenant } from '../graph/simulator/small-tenant';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { makeLoopbackCertificate } from '../support/loopback-certificate';
import type { TenantCheck } from '../../src/tenants/permission-probe';
import type { TenantView } from '../../src/tenants/tenant-service';
import { openIdTenantDiscovery } from '../../src/tenants/tenant-discovery';
import { apiCaller } from '../support/api-caller';

const API_TOKEN = 'an-api-token-for-the-tests-0123456789';
const CLIENT_STATE = 'a-client-state-for-the-tests-0123';
const CLIENT_ID = '3c9f1e27-84b6-4d0a-9f52-1e7a6c0b8d43';
const CLIENT_SECRET = 'the-multi-tenant-app-secret';
const HOME = '5f1c9a3e-7d2b-4c8e-9a61-3b0d4e2f8c17';
const CONTOSO = '11111111-7d2b-4c8e-9a61-3b0d4e2f8c17';
const FABRIKAM = '22222222-7d2b-4c8e-9a61-3b0d4e2f8c17';
const NORTHWIND = '33333333-7d2b-4c8e-9a61-3b0d4e2f8c17';
const WOODGROVE = '55555555-7d2b-4c8e-9a61-3b0d4e2f8c17';

/** Every answer body the tests read, in one shape (each answer has some of these). */
interface Answer {
  tenant: TenantView;
  tenants: TenantView[];
  check: TenantCheck;
  consentUrl: string;
  subscribed: boolean;
  deletedSubscriptions: string[];
  purged: Record<string, number>;
  error: { code: string; message: string };
  tenantLabels: Record<string, string>;
}

const tls = makeLoopbackCertificate();
const describeWithTls = tls === null ? describe.skip : describe;

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describeWithTls.each(ENGINES)('many tenants in one install on %s', (engine) => {
  let db: TestDatabase;
  let graph: GraphSimulator;
  let entra: EntraSimulator;
  let webhook: WebhookReceiver;
  let app: App;

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    graph = await startGraphSimulator({
      seeds: [
        { ...smallTenant(HOME, 'msp'), displayName: 'The MSP' },
        { ...smallTenant(CONTOSO, 'contoso'), displayName: 'Contoso Ltd' },
        { ...smallTenant(FABRIKAM, 'fabrikam'), displayName: 'Fabrikam Inc' },
        { ...smallTenant(NORTHWIND, 'northwind'), displayName: 'Northwind Traders' },
        { ...smallTenant(WOODGROVE, 'woodgrove'), displayName: 'Woodgrove Bank' },
      ],
      notifications: { latencyMs: 10 },
    });
    entra = await startEntraSimulator({
      graph,
      tls: tls!,
      apps: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }],
    });
    webhook = await startWebhookReceiver();
    const config = loadConfig({
      DATABASE_URL: db.url,
      PORT: '0',
      HOST: '127.0.0.1',
      API_TOKEN,
      CLIENT_STATE,
      AZURE_TENANT_ID: HOME,
      AZURE_CLIENT_ID: CLIENT_ID,
      AZURE_CLIENT_SECRET: CLIENT_SECRET,
      AZURE_AUTHORITY_HOST: entra.url,
      GRAPH_BASE_URL: graph.url,
      ALERT_WEBHOOK_URL: webhook.url,
    });
    // The configured credential, with the two switches a loopback authority needs: its certificate is trusted and
    // there is no login.microsoftonline.com to validate the host against.
    const credential = config.graph.credential;
    const tokenProvider = createTokenProvider(credential, graph.url, {
      credentialOptions: { disableInstanceDiscovery: true, tlsOptions: { ca: tls!.cert } },
    });
    app = await startApp({
      config,
      logger: silentLogger(),
      graph: {
        baseUrl: graph.url,
        tokenProvider,
        // The product's discovery, pointed at the Entra simulator and trusting its certificate, as the credential.
        discoverTenant: openIdTenantDiscovery({ authorityHost: entra.url, ca: tls!.cert }),
      },
      publicBaseUrlFallback: 'local-url',
      dispatcher: { pollMs: 50, groupWindowMs: 0 },
      reconcileIntervalMs: 3_600_000,
    });
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    await entra?.stop();
    await graph?.stop();
    await webhook?.close();
    await db?.drop();
  });

  const api = apiCaller<Answer>(() => app.url, API_TOKEN);

  it('has the AZURE_TENANT_ID tenant in the registry with no other step', async () => {
    const { status, body } = await api('GET', '/tenants');
    expect(status).toBe(200);
    expect(body.tenants).toEqual([
      expect.objectContaining({ id: HOME, status: 'active', addedBy: 'AZURE_TENANT_ID' }),
    ]);
    expect(await app.watched.list()).toEqual([HOME]);
  });

  it('adds a customer by domain: resolves its id, names it, gives the consent link, subscribes and takes the baseline', async () => {
    const { status, body } = await api('POST', '/tenants', {
      tenant: 'contoso.onmicrosoft.com',
      addedBy: 'noc@msp',
    });
    expect(status).toBe(201);
    expect(body.tenant).toMatchObject({
      id: CONTOSO,
      displayName: 'Contoso Ltd',
      defaultDomain: 'contoso.onmicrosoft.com',
      label: 'Contoso Ltd (contoso.onmicrosoft.com)',
      status: 'active',
      addedBy: 'noc@msp',
      activeSubscriptions: 1,
    });
    const consent = new URL(body.consentUrl);
    expect(`${consent.origin}${consent.pathname}`).toBe(`${entra.url}/${CONTOSO}/v2.0/adminconsent`);
    expect(consent.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(consent.searchParams.get('scope')).toBe(`${graph.url}/.default`);
    expect(body.check).toMatchObject({ ok: true, missing: [], token: { ok: true } });
    expect(body.subscribed).toBe(true);
    // The domain was resolved by Entra's discovery document, so the token was asked for by the customer's id, with
    // the app's secret, and never by the domain.
    expect(entra.tokenRequests().map((r) => r.tenant)).not.toContain('contoso.onmicrosoft.com');
    expect(entra.tokenRequests()).toContainEqual({
      tenant: CONTOSO,
      clientId: CLIENT_ID,
      credential: 'secret',
      status: 200,
    });
    expect(graph.subscriptions(CONTOSO)).toHaveLength(1);
    await eventually(
      () => app.store.settings.get(CONTOSO, USERS_DELTA_LINK_KEY),
      (link) => link !== null,
      'the baseline audit of the new tenant',
    );
    expect(await app.watched.list()).toEqual([HOME, CONTOSO]);
    // The console's tenant list names it too.
    const summary = await api('GET', '/console/summary');
    expect(summary.body.tenants).toEqual([HOME, CONTOSO]);
    expect(summary.body.tenantLabels).toEqual({ [CONTOSO]: 'Contoso Ltd (contoso.onmicrosoft.com)' });
  });

  it("names the customer in its alerts (the baseline's findings reach the webhook)", async () => {
    const received = await eventually(
      () =>
        Promise.resolve(
          webhook.requests.map((r) => r.body as { message: { tenantId: string; tenantLabel?: string } }),
        ),
      (bodies) => bodies.some((b) => b.message.tenantId === CONTOSO),
      'an alert about Contoso',
    );
    const contoso = received.filter((b) => b.message.tenantId === CONTOSO);
    expect(contoso.every((b) => b.message.tenantLabel === 'Contoso Ltd (contoso.onmicrosoft.com)')).toBe(
      true,
    );
  });

  it('keeps a tenant whose consent lacks a permission pending, naming the permission and the fix; check after consent starts it', async () => {
    graph.consent.grant(FABRIKAM, { missing: ['AuditLog.Read.All'] });
    const added = await api('POST', '/tenants', { tenant: FABRIKAM });
    expect(added.status).toBe(201);
    expect(added.body.tenant).toMatchObject({
      id: FABRIKAM,
      status: 'pending-consent',
      label: 'Fabrikam Inc (fabrikam.onmicrosoft.com)',
    });
    expect(added.body.check.missing).toEqual(['AuditLog.Read.All']);
    expect(added.body.check.permissions).toContainEqual(
      expect.objectContaining({
        permission: 'AuditLog.Read.All',
        ok: false,
        status: 403,
        call: 'GET /auditLogs/directoryAudits',
      }),
    );
    expect(added.body.check.fix).toMatch(/AuditLog\.Read\.All.*admin consent/);
    expect(added.body.subscribed).toBe(false);
    expect(graph.subscriptions(FABRIKAM)).toHaveLength(0);
    expect(await app.watched.list()).not.toContain(FABRIKAM);

    graph.consent.grant(FABRIKAM);
    const checked = await api('POST', `/tenants/${FABRIKAM}/check`);
    expect(checked.status).toBe(200);
    expect(checked.body.check).toMatchObject({ ok: true, missing: [] });
    expect(checked.body.tenant.status).toBe('active');
    expect(graph.subscriptions(FABRIKAM)).toHaveLength(1);
    expect(await app.watched.list()).toContain(FABRIKAM);
  });

  it('consent revoked: one watch.blind alert to the channels, naming the customer and the fix; resolved when restored', async () => {
    graph.consent.revoke(FABRIKAM);
    await app.reconciler.runOnce();
    await app.reconciler.runOnce();
    const blindAlerts = async (state: 'open' | 'resolved') =>
      (await app.store.alerts.list({ tenantId: FABRIKAM, state })).filter((a) => a.ruleId === 'watch.blind');
    const open = await blindAlerts('open');
    expect(open).toHaveLength(1);
    expect(open[0]!.severity).toBe('critical');
    expect(open[0]!.finding.remediation[0]).toContain(`${entra.url}/${FABRIKAM}/v2.0/adminconsent`);
    expect((await api('GET', `/tenants/${FABRIKAM}`)).body.tenant.status).toBe('blind');
    // Still watched: the next round is how ra-watch sees that it can watch again.
    expect(await app.watched.list()).toContain(FABRIKAM);
    const posted = await eventually(
      () =>
        Promise.resolve(
          webhook.requests
            .map((r) => r.body as { message: { ruleId?: string; tenantLabel?: string; kind: string } })
            .filter((b) => b.message.ruleId === 'watch.blind'),
        ),
      (bodies) => bodies.length > 0,
      'the watch.blind alert on the webhook',
    );
    expect(posted).toHaveLength(1);
    expect(posted[0]!.message.tenantLabel).toBe('Fabrikam Inc (fabrikam.onmicrosoft.com)');

    graph.consent.grant(FABRIKAM);
    await app.reconciler.runOnce();
    expect(await blindAlerts('open')).toEqual([]);
    expect(await blindAlerts('resolved')).toHaveLength(1);
    expect((await api('GET', `/tenants/${FABRIKAM}`)).body.tenant.status).toBe('active');
  });

  it("adds a customer by domain before it has consented: its id from Entra's discovery document, pending, with its consent link", async () => {
    graph.consent.revoke(WOODGROVE);
    const { status, body } = await api('POST', '/tenants', { tenant: 'Woodgrove.onmicrosoft.com' });
    expect(status).toBe(201);
    expect(body.tenant).toMatchObject({ id: WOODGROVE, status: 'pending-consent' });
    expect(new URL(body.consentUrl).pathname).toBe(`/${WOODGROVE}/v2.0/adminconsent`);
    expect(body.check.token.ok).toBe(false);
    // A domain Entra does not know is refused, naming Entra's answer.
    const unknown = await api('POST', '/tenants', { tenant: 'nobody-here.onmicrosoft.com' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(
      /Entra does not know nobody-here\.onmicrosoft\.com \(400 invalid_request/,
    );
    await api('DELETE', `/tenants/${WOODGROVE}?purge=true`);
  });

  it('gives a tenant without consent its consent link and says the token was refused for want of consent', async () => {
    graph.consent.revoke(NORTHWIND);
    const { status, body } = await api('POST', '/tenants', { tenant: NORTHWIND.toUpperCase() });
    expect(status).toBe(201);
    expect(body.tenant).toMatchObject({ id: NORTHWIND, status: 'pending-consent', displayName: null });
    expect(body.check.token.ok).toBe(false);
    expect(body.check.token.detail).toMatch(/not consented/);
    expect(body.check.token.detail).toContain(`${entra.url}/${NORTHWIND}/v2.0/adminconsent`);
    expect(entra.tokenRequests()).toContainEqual(expect.objectContaining({ tenant: NORTHWIND, status: 400 }));
  });

  it('refuses what is not a tenant id or domain with a clear 400, and answers 404 for an unknown tenant', async () => {
    const bad = await api('POST', '/tenants', { tenant: 'contoso.onmicrosoft.com/../x' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/not a tenant id .* or a domain/);
    expect((await api('POST', '/tenants', {})).status).toBe(400);
    expect((await api('GET', '/tenants/not-a-guid')).status).toBe(400);
    expect((await api('GET', '/tenants/99999999-7d2b-4c8e-9a61-3b0d4e2f8c17')).status).toBe(404);
    expect((await api('DELETE', `/tenants/${CONTOSO}?purge=maybe`)).status).toBe(400);
  });

  it('removing a tenant deletes its subscriptions in Graph and stops watching it; purge deletes its data', async () => {
    const removed = await api('DELETE', `/tenants/${CONTOSO}`);
    expect(removed.status).toBe(200);
    expect(removed.body.deletedSubscriptions).toHaveLength(1);
    expect(graph.subscriptions(CONTOSO)).toHaveLength(0);
    expect((await api('GET', `/tenants/${CONTOSO}`)).body.tenant.status).toBe('removed');
    expect(await app.watched.list()).not.toContain(CONTOSO);
    expect(await app.store.alerts.list({ tenantId: CONTOSO })).not.toHaveLength(0);

    const purged = await api('DELETE', `/tenants/${CONTOSO}?purge=true`);
    expect(purged.status).toBe(200);
    expect(purged.body.purged.alerts).toBeGreaterThan(0);
    expect(await app.store.alerts.list({ tenantId: CONTOSO })).toEqual([]);
    expect(await app.store.snapshots.list(CONTOSO)).toEqual([]);
    expect((await api('GET', `/tenants/${CONTOSO}`)).status).toBe(404);
    // The other customers are untouched.
    expect(graph.subscriptions(FABRIKAM)).toHaveLength(1);
  });
});
