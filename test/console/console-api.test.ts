/**
 * The console's two reads over a real store and queue, on both engines: the overview summary (open alerts by
 * severity, acknowledged and snoozed, queue depth, dead letters, subscription expiry countdown) and the resource
 * account list (the registry wins; licenses named from the catalog; open findings attached). Plus the router's
 * answers over HTTP for a missing tenant and a bad query.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { listConsoleAccounts } from '../../src/console/console-accounts';
import { createConsoleApiRouter } from '../../src/console/console-api-router';
import { buildConsoleSummary } from '../../src/console/console-summary';
import type { Finding } from '../../src/glossary';
import { RA_SKU_ID, TEAMS_PHONE_STANDARD_SKU_ID } from '../../src/licensing/catalog-data';
import { createEmbeddedQueue } from '../../src/queue/embedded/adapter';
import type { Queue } from '../../src/queue/queue';
import { createStore } from '../../src/store/sql-store';
import type { Store } from '../../src/store/store';
import { ENGINES, createTestDatabase, type TestDatabase } from '../support/databases';
import { OTHER_TENANT, TENANT, snapshot, userFinding } from '../store/store-fixtures';

const NOW = new Date('2026-01-10T12:00:00.000Z');
const RA_1 = '11111111-1111-4111-8111-111111111111';
const RA_2 = '22222222-2222-4222-8222-222222222222';
const EXCLUDED = '33333333-3333-4333-8333-333333333333';
const routing = () => ['log'];

describe.each(ENGINES)('the console API reads (%s)', (engine) => {
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

  const raise = async (finding: Finding, userId: string | null) => {
    const result = await store.recordObservation(
      {
        scope: { tenantId: finding.subject.tenantId, userId, ruleIds: [finding.ruleId] },
        findings: [finding],
        at: '2026-01-10T09:00:00.000Z',
      },
      routing,
    );
    return result.opened[0]!;
  };

  it('counts open alerts by severity, acknowledged and snoozed, with queue depth, dead letters and subscription expiry', async () => {
    await raise(userFinding('ra.unlicensed', RA_1), RA_1);
    const warning = await raise({ ...userFinding('ra.standard-on-ra', RA_2), severity: 'warning' }, RA_2);
    const info = await raise({ ...userFinding('ra.unlicensed', RA_2), severity: 'info' }, RA_2);
    await raise(userFinding('ra.unlicensed', RA_1, OTHER_TENANT), RA_1);
    await store.alerts.acknowledge(warning.id, 'ada', null, null, NOW.toISOString());
    await store.alerts.acknowledge(info.id, 'ada', null, '2026-01-11T00:00:00.000Z', NOW.toISOString());
    await store.subscriptions.upsert({
      id: 'sub-1',
      tenantId: TENANT,
      resource: 'users',
      changeType: 'updated,deleted',
      notificationUrl: 'https://ra-watch.example/notifications',
      lifecycleNotificationUrl: null,
      expiresAt: '2026-01-12T12:00:00.000Z',
      clientStateRef: 'primary',
      createdAt: '2026-01-01T00:00:00.000Z',
      lastRenewedAt: null,
      lastNotificationAt: null,
      status: 'active',
    });
    const body = {
      kind: 'user-changed',
      tenantId: TENANT,
      userId: RA_1,
      changeType: 'updated',
      subscriptionId: null,
      receivedAt: NOW.toISOString(),
      source: 'notification',
    } as const;
    await queue.send([
      { messageId: 'm-1', orderingKey: `${TENANT}/${RA_1}`, body },
      { messageId: 'm-2', orderingKey: `${TENANT}/${RA_2}`, body: { ...body, userId: RA_2 } },
    ]);
    const [leased] = await queue.receive({ maxMessages: 1, leaseMs: 60_000 });
    await queue.deadLetter(leased!, 'poison', 'test');

    const summary = await buildConsoleSummary({ store, queue, tenantIds: [TENANT], now: () => NOW }, TENANT);
    expect(summary.openAlerts).toEqual({
      total: 3,
      bySeverity: { critical: 1, warning: 1, info: 1 },
      acknowledged: 2,
      snoozed: 1,
    });
    expect(summary.queue).toMatchObject({ ready: 1, deadLettered: 1 });
    expect(summary.deadLetters).toBe(1);
    expect(summary.subscriptions).toEqual([
      expect.objectContaining({ id: 'sub-1', expiresInMs: 2 * 24 * 3_600_000, lastNotificationAt: null }),
    ]);
    expect(summary.defaultTenantId).toBe(TENANT);

    const all = await buildConsoleSummary({ store, queue, tenantIds: [TENANT], now: () => NOW }, null);
    expect(all.openAlerts.total).toBe(4);
    expect(all.tenants).toEqual([TENANT, OTHER_TENANT]);
  });

  it('lists registry and identified accounts once each, with named licenses and open findings', async () => {
    await store.registry.put({
      tenantId: TENANT,
      userId: RA_1,
      isResourceAccount: true,
      application: 'call-queue',
      note: 'main line',
      updatedAt: NOW.toISOString(),
      updatedBy: 'ada',
    });
    await store.registry.put({
      tenantId: TENANT,
      userId: EXCLUDED,
      isResourceAccount: false,
      application: 'unknown',
      note: null,
      updatedAt: NOW.toISOString(),
      updatedBy: null,
    });
    for (const userId of [RA_1, RA_2, EXCLUDED]) {
      await store.identifications.put({
        tenantId: TENANT,
        userId,
        isResourceAccount: true,
        identifiedBy: 'convention',
        detail: 'department',
        application: 'unknown',
        checkedAt: NOW.toISOString(),
      });
    }
    await store.recordObservation(
      {
        snapshot: snapshot(RA_2, {
          displayName: 'Sales Queue',
          assignedLicenses: [
            { skuId: TEAMS_PHONE_STANDARD_SKU_ID, disabledPlans: [] },
            { skuId: RA_SKU_ID, disabledPlans: [] },
          ],
        }),
        scope: { tenantId: TENANT, userId: RA_2, ruleIds: ['ra.standard-on-ra'] },
        findings: [
          {
            ...userFinding('ra.standard-on-ra', RA_2, TENANT, 'Sales Queue holds Teams Phone Standard'),
            severity: 'warning',
          },
        ],
        at: NOW.toISOString(),
      },
      routing,
    );

    const accounts = await listConsoleAccounts(store, TENANT);
    expect(accounts.map((a) => a.userId).sort()).toEqual([RA_1, RA_2, EXCLUDED].sort());
    expect(accounts.find((a) => a.userId === RA_1)).toMatchObject({
      identifiedBy: 'registry',
      inRegistry: true,
      application: 'call-queue',
      note: 'main line',
      licenses: null,
    });
    expect(accounts.find((a) => a.userId === EXCLUDED)).toMatchObject({
      identifiedBy: 'registry',
      isResourceAccount: false,
    });
    expect(accounts.find((a) => a.userId === RA_2)).toMatchObject({
      identifiedBy: 'convention',
      inRegistry: false,
      displayName: 'Sales Queue',
      licenses: [
        expect.objectContaining({ skuPartNumber: 'MCOEV' }),
        expect.objectContaining({ skuPartNumber: 'PHONESYSTEM_VIRTUALUSER' }),
      ],
      openFindings: [
        expect.objectContaining({
          ruleId: 'ra.standard-on-ra',
          severity: 'warning',
          title: 'Sales Queue holds Teams Phone Standard',
        }),
      ],
    });
  });

  it('answers over HTTP: the configured tenant by default, a 400 naming the fix without one', async () => {
    const serve = async (tenantIds: string[]) => {
      const app = express();
      app.use('/api/console', createConsoleApiRouter({ store, queue, tenantIds }));
      const server: Server = await new Promise((resolve) => {
        const s = app.listen(0, '127.0.0.1', () => resolve(s));
      });
      return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/console` };
    };
    const configured = await serve([TENANT]);
    const bare = await serve([]);
    try {
      const listed = await fetch(`${configured.url}/resource-accounts`);
      expect(listed.status).toBe(200);
      expect(await listed.json()).toEqual({ tenantId: TENANT, resourceAccounts: [] });
      const missing = await fetch(`${bare.url}/resource-accounts`);
      expect(missing.status).toBe(400);
      expect(await missing.json()).toMatchObject({
        error: { code: 'invalid-request', message: expect.stringMatching(/tenantId/) },
      });
      const names = (await (await fetch(`${configured.url}/sku-names`)).json()) as {
        skus: Record<string, string>;
      };
      expect(names.skus[RA_SKU_ID]).toBe('PHONESYSTEM_VIRTUALUSER');
    } finally {
      await new Promise((resolve) => configured.server.close(resolve));
      await new Promise((resolve) => bare.server.close(resolve));
    }
  });
});
