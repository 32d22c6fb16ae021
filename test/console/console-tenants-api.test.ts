/**
 * The console's all-tenants read (`GET /api/console/tenants`, console-tenants.ts) over a real store, on both engines:
 * one row per tenant of the registry and per watched tenant, with its names and status, open alerts by severity, the
 * licenses to buy from the SKU list last read from the tenant, subscription health (active, expiring, missing) and
 * the last notification. Plus the router's answers over HTTP for one tenant, a bad id and an unknown one.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { createConsoleApiRouter } from '../../src/console/console-api-router';
import { EXPIRING_WITHIN_MS, listConsoleTenants } from '../../src/console/console-tenants';
import type { Finding } from '../../src/glossary';
import { MCOEV_PLAN_ID, RA_SKU_ID, TEAMS_PHONE_STANDARD_SKU_ID } from '../../src/licensing/catalog-data';
import { createEmbeddedQueue } from '../../src/queue/embedded/adapter';
import type { Queue } from '../../src/queue/queue';
import { SKU_CATALOG_KEY } from '../../src/replay/stored-sku-catalog';
import { createStore } from '../../src/store/sql-store';
import type { Store, StoredSubscription, TenantRecord } from '../../src/store/store';
import { fixedTenants } from '../../src/tenants/watched-tenants';
import { ENGINES, createTestDatabase, type TestDatabase } from '../support/databases';
import { userFinding } from '../store/store-fixtures';

const NOW = new Date('2026-01-10T12:00:00.000Z');
const CONTOSO = '11111111-7d2b-4c8e-9a61-3b0d4e2f8c17';
const FABRIKAM = '22222222-7d2b-4c8e-9a61-3b0d4e2f8c17';
const DEMO = '33333333-7d2b-4c8e-9a61-3b0d4e2f8c17';
const routing = () => ['log'];
const userId = (n: number) => `${String(n).padStart(8, '0')}-1111-4111-8111-111111111111`;

function tenant(id: string, overrides: Partial<TenantRecord> = {}): TenantRecord {
  return {
    id,
    displayName: null,
    defaultDomain: null,
    status: 'active',
    statusDetail: null,
    addedAt: '2026-01-01T00:00:00.000Z',
    addedBy: 'test',
    checkedAt: '2026-01-01T00:00:00.000Z',
    settings: {},
    ...overrides,
  };
}

function subscription(id: string, tenantId: string, overrides: Partial<StoredSubscription> = {}) {
  return {
    id,
    tenantId,
    resource: 'users',
    changeType: 'updated,deleted',
    notificationUrl: 'https://ra-watch.example/notifications',
    lifecycleNotificationUrl: null,
    expiresAt: '2026-01-20T12:00:00.000Z',
    clientStateRef: 'primary',
    createdAt: '2026-01-01T00:00:00.000Z',
    lastRenewedAt: null,
    lastNotificationAt: null,
    status: 'active' as const,
    ...overrides,
  };
}

describe.each(ENGINES)('the console all-tenants read (%s)', (engine) => {
  let db: TestDatabase;
  let store: Store;
  let queue: Queue;

  beforeEach(async () => {
    db = await createTestDatabase(engine);
    store = createStore(db.database);
    queue = createEmbeddedQueue(db.database, { maxDeliveries: 3 });
  });
  afterEach(async () => {
    await queue.close();
    await db.drop();
  });

  const raise = async (finding: Finding) => {
    const result = await store.recordObservation(
      {
        scope: {
          tenantId: finding.subject.tenantId,
          userId: finding.subject.kind === 'user' ? finding.subject.userId : null,
          ruleIds: [finding.ruleId],
        },
        findings: [finding],
        at: '2026-01-10T09:00:00.000Z',
      },
      routing,
    );
    return result.opened[0]!;
  };

  const seed = async () => {
    await store.tenants.put(
      tenant(CONTOSO, { displayName: 'Contoso Ltd', defaultDomain: 'contoso.onmicrosoft.com' }),
    );
    await store.tenants.put(
      tenant(FABRIKAM, {
        displayName: 'Fabrikam Inc',
        defaultDomain: 'fabrikam.onmicrosoft.com',
        status: 'pending-consent',
        statusDetail: 'Grant AuditLog.Read.All (admin consent)',
      }),
    );
    // Contoso: two critical and one warning open, one critical resolved; Fabrikam: one warning.
    await raise(userFinding('ra.unlicensed', userId(1), CONTOSO));
    await raise(userFinding('ra.unlicensed', userId(2), CONTOSO));
    await raise({ ...userFinding('ra.standard-on-ra', userId(3), CONTOSO), severity: 'warning' });
    const gone = await raise(userFinding('ra.unlicensed', userId(4), CONTOSO));
    await store.recordObservation(
      {
        scope: { tenantId: CONTOSO, userId: userId(4), ruleIds: [gone.ruleId] },
        findings: [],
        at: NOW.toISOString(),
      },
      routing,
    );
    await raise({ ...userFinding('ra.standard-on-ra', userId(1), FABRIKAM), severity: 'warning' });

    // Contoso: 20 Teams Phone Standard seats (25 + 2 = 27 free), 5 RA licenses bought, 28 resource accounts.
    await store.settings.put(
      CONTOSO,
      SKU_CATALOG_KEY,
      JSON.stringify({
        recordedAt: '2026-01-10T11:00:00.000Z',
        skus: [
          {
            skuId: TEAMS_PHONE_STANDARD_SKU_ID,
            skuPartNumber: 'MCOEV',
            capabilityStatus: 'Enabled',
            enabledUnits: 20,
            consumedUnits: 20,
            servicePlans: [{ servicePlanId: MCOEV_PLAN_ID, servicePlanName: 'MCOEV' }],
          },
          {
            skuId: RA_SKU_ID,
            skuPartNumber: 'PHONESYSTEM_VIRTUALUSER',
            capabilityStatus: 'Enabled',
            enabledUnits: 5,
            consumedUnits: 5,
            servicePlans: [],
          },
        ],
      }),
    );
    for (let n = 1; n <= 28; n++) {
      await store.identifications.put({
        tenantId: CONTOSO,
        userId: userId(n),
        isResourceAccount: true,
        identifiedBy: 'convention',
        detail: 'department',
        application: 'call-queue',
        checkedAt: NOW.toISOString(),
      });
    }
    // Contoso: one active subscription notified an hour ago, one lapsed; Fabrikam: one active expiring in 3 h.
    await store.subscriptions.upsert(
      subscription('sub-c1', CONTOSO, { lastNotificationAt: '2026-01-10T11:00:00.000Z' }),
    );
    await store.subscriptions.upsert(
      subscription('sub-c2', CONTOSO, {
        status: 'lapsed',
        expiresAt: '2026-01-05T00:00:00.000Z',
        lastNotificationAt: '2026-01-04T00:00:00.000Z',
      }),
    );
    await store.subscriptions.upsert(
      subscription('sub-f1', FABRIKAM, { expiresAt: '2026-01-10T15:00:00.000Z' }),
    );
  };

  it('gives one row per tenant with its counts, licenses to buy, subscription health and last notification', async () => {
    await seed();
    const answer = await listConsoleTenants({
      store,
      watched: fixedTenants([DEMO, CONTOSO]),
      now: () => NOW,
    });
    expect(answer.generatedAt).toBe(NOW.toISOString());
    // The watched ones first (configured order), then the rest of the registry.
    expect(answer.tenants.map((t) => t.id)).toEqual([DEMO, CONTOSO, FABRIKAM]);
    const [demo, contoso, fabrikam] = answer.tenants;
    expect(contoso).toMatchObject({
      displayName: 'Contoso Ltd',
      defaultDomain: 'contoso.onmicrosoft.com',
      label: 'Contoso Ltd (contoso.onmicrosoft.com)',
      status: 'active',
      openAlerts: { critical: 2, warning: 1, info: 0 },
      allocation: {
        qualifyingLicenses: 20,
        freeAllocation: 27,
        needed: 28,
        purchasedRaLicenses: 5,
        toBuy: 1,
        unclaimed: 22,
        skusReadAt: '2026-01-10T11:00:00.000Z',
      },
      subscriptions: {
        health: 'active',
        active: 1,
        expiresAt: '2026-01-20T12:00:00.000Z',
        expiresInMs: 10 * 24 * 3_600_000,
      },
      lastNotificationAt: '2026-01-10T11:00:00.000Z',
    });
    expect(contoso!.allocation!.resourceAccountsBasis).toMatch(/28 identified/);
    expect(fabrikam).toMatchObject({
      label: 'Fabrikam Inc (fabrikam.onmicrosoft.com)',
      status: 'pending-consent',
      statusDetail: 'Grant AuditLog.Read.All (admin consent)',
      openAlerts: { critical: 0, warning: 1, info: 0 },
      // Its subscribedSkus was never read: no figure rather than a wrong one.
      allocation: null,
      subscriptions: { health: 'expiring', active: 1, expiresInMs: 3 * 3_600_000 },
      lastNotificationAt: null,
    });
    expect(3 * 3_600_000).toBeLessThan(EXPIRING_WITHIN_MS);
    // Watched by configuration but not in the registry (the demo's tenants): listed, without names or status.
    expect(demo).toMatchObject({
      label: null,
      status: null,
      openAlerts: { critical: 0, warning: 0, info: 0 },
      allocation: null,
      subscriptions: { health: 'missing', active: 0, expiresAt: null, expiresInMs: null },
      lastNotificationAt: null,
    });
  });

  it('answers over HTTP: all tenants, one tenant, a 400 for a bad id and a 404 for an unknown one', async () => {
    await seed();
    const app = express();
    app.use('/api/console', createConsoleApiRouter({ store, queue, tenantIds: [CONTOSO], now: () => NOW }));
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/console`;
    try {
      const all = await fetch(`${url}/tenants`);
      expect(all.status).toBe(200);
      const body = (await all.json()) as { tenants: Array<{ id: string; openAlerts: unknown }> };
      expect(body.tenants.map((t) => t.id)).toEqual([CONTOSO, FABRIKAM]);

      const one = await fetch(`${url}/tenants/${FABRIKAM.toUpperCase()}`);
      expect(one.status).toBe(200);
      expect(await one.json()).toMatchObject({
        generatedAt: NOW.toISOString(),
        tenant: { id: FABRIKAM, status: 'pending-consent', openAlerts: { warning: 1 } },
      });
      const bad = await fetch(`${url}/tenants/not-a-tenant`);
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ error: { code: 'invalid-request' } });
      const unknown = await fetch(`${url}/tenants/${DEMO}`);
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ error: { code: 'not-found' } });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
