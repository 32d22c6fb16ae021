/**
 * Per-tenant routing through the real HTTP path (issue 19 item 4), on both store engines: two customer tenants
 * added through /api/tenants, a Slack channel for each added through /api/channels (the local Slack stand-ins),
 * routes through /api/routes, and a license change in the Graph simulator that Graph notifies. Tenant A's critical
 * alert reaches A's channel and no other; B's reaches B's; the environment's webhook (the default route) gets
 * neither. The channels' webhook URLs are encrypted in the database and never come back from the API.
 */
import { randomBytes } from 'node:crypto';
import { startApp, type App } from '../../../src/app';
import { loadConfig } from '../../../src/config';
import { startGraphSimulator, type GraphSimulator } from '../../../src/graph/simulator';
import type { TenantSeed } from '../../../src/graph/simulator/tenant-seed';
import { RA_SKU_ID } from '../../../src/licensing/catalog-data';
import { silentLogger } from '../../../src/logger';
import { smallTenant, TENANT_A, TENANT_B } from '../../graph/simulator/small-tenant';
import { createTestDatabase, ENGINES, type TestDatabase } from '../../support/databases';
import { slackText, startSlackReceiver } from '../../support/slack-receiver';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver';
import { apiCaller } from '../../support/api-caller';

const API_TOKEN = 'an-api-token-for-the-tests-0123456789';
/** A resource account licensed right at the baseline, so removing its license opens one fresh critical alert. */
const HEALTHY_RA = 'd5e6f7a8-1b2c-4d3e-8f9a-0b1c2d3e4f5a';

function tenantWithHealthyAccount(tenantId: string, name: string, displayName: string): TenantSeed {
  const seed = smallTenant(tenantId, name);
  return {
    ...seed,
    displayName,
    users: [
      ...seed.users,
      {
        id: HEALTHY_RA,
        userPrincipalName: `ra_aa_main@${name}.onmicrosoft.com`,
        displayName: 'Main Line',
        assignedLicenses: [{ skuId: RA_SKU_ID }],
        resourceAccount: { application: 'auto-attendant', telephoneNumber: '+14255550100' },
      },
    ],
  };
}

async function eventually<T>(
  read: () => Promise<T> | T,
  ok: (value: T) => boolean,
  what: string,
): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface Answer {
  channel: { name: string; target: string; secretSet: boolean; usedBy: string[] };
  channels: Array<Record<string, unknown>>;
  route: { id: string; tenants: Array<{ id: string; label: string | null }>; severities: string[] };
  routes: Array<{ id: string }>;
  defaultChannels: string[];
  ok: boolean;
  error: { code: string; message: string };
}

describe.each(ENGINES)('per-tenant alert routing on %s', (engine) => {
  let db: TestDatabase;
  let graph: GraphSimulator;
  let slackA: WebhookReceiver;
  let slackB: WebhookReceiver;
  let fallback: WebhookReceiver;
  let app: App;

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    graph = await startGraphSimulator({
      seeds: [
        tenantWithHealthyAccount(TENANT_A, 'contoso', 'Contoso Ltd'),
        tenantWithHealthyAccount(TENANT_B, 'fabrikam', 'Fabrikam Inc'),
      ],
      notifications: { latencyMs: 10 },
    });
    [slackA, slackB, fallback] = await Promise.all([
      startSlackReceiver(),
      startSlackReceiver(),
      startWebhookReceiver(),
    ]);
    const config = loadConfig({
      DATABASE_URL: db.url,
      PORT: '0',
      HOST: '127.0.0.1',
      API_TOKEN,
      CLIENT_STATE: 'a-client-state-for-the-tests-0123',
      ALERT_WEBHOOK_URL: fallback.url,
      CHANNEL_SECRETS_KEY: randomBytes(32).toString('base64'),
    });
    app = await startApp({
      config,
      logger: silentLogger(),
      graph: { baseUrl: graph.url, tokenProvider: (tenantId) => Promise.resolve(graph.tokenFor(tenantId)) },
      tenantIds: [],
      publicBaseUrlFallback: 'local-url',
      dispatcher: { pollMs: 50, groupWindowMs: 0 },
      worker: { pollMs: 25 },
      reconcileIntervalMs: 3_600_000,
    });
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    await graph?.stop();
    await Promise.all([slackA?.close(), slackB?.close(), fallback?.close()]);
    await db?.drop();
  });

  const api = apiCaller<Answer>(() => app.url, API_TOKEN);

  /** Every outbox sink the alerts of `userId` in `tenantId` were written to, once they are all settled. */
  const settledSinks = async (tenantId: string, userId: string): Promise<string[]> => {
    const alerts = await app.store.alerts.list({ tenantId, userId, state: 'open' });
    const ids = alerts.map((a) => a.id);
    const rows = await db.database.db
      .selectFrom('alert_outbox')
      .select(['sink', 'status'])
      .where('alert_id', 'in', ids.length === 0 ? ['none'] : ids)
      .execute();
    return rows.every((r) => r.status === 'delivered') ? rows.map((r) => r.sink).sort() : [];
  };

  it('adds both customers; their baseline findings go to the default route while there are no routes', async () => {
    for (const tenant of [TENANT_A, TENANT_B])
      expect((await api('POST', '/tenants', { tenant })).status).toBe(201);
    await eventually(
      () => fallback.requests.map((r) => (r.body as { message: { tenantId: string } }).message.tenantId),
      (tenants) => tenants.includes(TENANT_A) && tenants.includes(TENANT_B),
      'the baseline alerts of both tenants at the default webhook',
    );
    expect(slackA.requests).toHaveLength(0);
    expect(slackB.requests).toHaveLength(0);
  });

  it('adds a channel per customer, keeps each URL encrypted in the database and never answers with it', async () => {
    const added = await api('POST', '/channels', { name: 'Contoso-NOC', kind: 'slack', url: slackA.url });
    expect(added.status).toBe(201);
    expect(added.body.channel).toMatchObject({
      name: 'contoso-noc',
      kind: 'slack',
      target: new URL(slackA.url).host,
    });
    expect(
      (await api('POST', '/channels', { name: 'fabrikam-noc', kind: 'slack', url: slackB.url })).status,
    ).toBe(201);
    const again = await api('POST', '/channels', { name: 'contoso-noc', kind: 'slack', url: slackB.url });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('exists');
    const bad = await api('POST', '/channels', { name: 'x', kind: 'slack' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/url: is required for a slack channel/);

    const list = await api('GET', '/channels');
    expect(list.body.channels.map((c) => c['name'])).toEqual(['contoso-noc', 'fabrikam-noc']);
    for (const answer of [list.text, (await api('GET', '/channels/contoso-noc')).text])
      expect(answer).not.toContain('s3cr3tWebhookToken');
    const rows = await db.database.db.selectFrom('alert_channels').selectAll().execute();
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(JSON.stringify(row)).not.toContain('s3cr3tWebhookToken');
      expect(JSON.stringify(row)).not.toContain('/services/');
      expect(row.sealed_secrets).toMatch(/^v1\./);
    }
  });

  it('refuses a route to an unknown channel or tenant, and a channel removal while a route uses it', async () => {
    const noChannel = await api('POST', '/routes', { channels: ['nope'], tenantIds: [TENANT_A] });
    expect(noChannel.status).toBe(400);
    expect(noChannel.body.error.code).toBe('unknown-channel');
    const noTenant = await api('POST', '/routes', {
      channels: ['contoso-noc'],
      tenantIds: ['99999999-7d2b-4c8e-9a61-3b0d4e2f8c17'],
    });
    expect(noTenant.status).toBe(400);
    expect(noTenant.body.error.code).toBe('unknown-tenant');

    const a = await api('POST', '/routes', { channels: ['contoso-noc'], tenantIds: [TENANT_A] });
    expect(a.status).toBe(201);
    expect(a.body.route).toMatchObject({
      tenants: [{ id: TENANT_A, label: 'Contoso Ltd (contoso.onmicrosoft.com)' }],
      severities: ['critical', 'warning'],
    });
    // B by its default domain, as an MSP knows it: stored as its id.
    const b = await api('POST', '/routes', {
      channels: ['fabrikam-noc'],
      tenantIds: ['Fabrikam.onmicrosoft.com'],
      severities: ['critical'],
    });
    expect(b.status).toBe(201);
    expect(b.body.route.tenants).toEqual([
      { id: TENANT_B, label: 'Fabrikam Inc (fabrikam.onmicrosoft.com)' },
    ]);
    const inUse = await api('DELETE', '/channels/contoso-noc');
    expect(inUse.status).toBe(409);
    expect(inUse.body.error.message).toContain(a.body.route.id);
    const routes = await api('GET', '/routes');
    expect(routes.body.routes).toHaveLength(2);
    expect(routes.body.defaultChannels).toEqual(['webhook', 'log']);
  });

  it("sends tenant A's critical to A's channel only, and B's to B's", async () => {
    const before = fallback.requests.length;
    graph.assignLicense(TENANT_A, HEALTHY_RA, { removeLicenses: [RA_SKU_ID] });
    const sinksA = await eventually(
      () => settledSinks(TENANT_A, HEALTHY_RA),
      (sinks) => sinks.length > 0,
      "A's alert delivered",
    );
    expect(sinksA).toEqual(['channel:contoso-noc', 'log']);
    const toA = await slackA.waitFor(1);
    expect(slackText(toA[0]!.body)).toContain('ra_aa_main@contoso.onmicrosoft.com');
    expect(slackText(toA[0]!.body)).toContain('Contoso Ltd');

    graph.assignLicense(TENANT_B, HEALTHY_RA, { removeLicenses: [RA_SKU_ID] });
    const sinksB = await eventually(
      () => settledSinks(TENANT_B, HEALTHY_RA),
      (sinks) => sinks.length > 0,
      "B's alert delivered",
    );
    expect(sinksB).toEqual(['channel:fabrikam-noc', 'log']);
    const toB = await slackB.waitFor(1);
    expect(slackText(toB[0]!.body)).toContain('ra_aa_main@fabrikam.onmicrosoft.com');

    // Neither channel saw the other's customer, and the default route saw neither change.
    expect(slackA.requests.map((r) => slackText(r.body)).join('\n')).not.toContain('fabrikam');
    expect(slackB.requests.map((r) => slackText(r.body)).join('\n')).not.toContain('contoso');
    const later = fallback.requests.slice(before).map((r) => JSON.stringify(r.body));
    expect(later.filter((b) => b.includes('ra_aa_main'))).toEqual([]);
  });

  it('tests a channel on demand and, once its route is gone, removes it', async () => {
    const test = await api('POST', '/channels/contoso-noc/test');
    expect(test.body).toEqual({ ok: true, detail: null });
    const { routes } = (await api('GET', '/routes')).body;
    for (const route of routes) expect((await api('DELETE', `/routes/${route.id}`)).status).toBe(204);
    expect((await api('DELETE', '/channels/contoso-noc')).status).toBe(204);
    expect((await api('GET', '/channels/contoso-noc')).status).toBe(404);
  });
});
