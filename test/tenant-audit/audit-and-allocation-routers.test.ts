import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createAllocationRouter } from '../../src/api/allocation-router';
import { createAuditRouter } from '../../src/api/audit-router';
import { runTenantAudit, type AuditReport } from '../../src/tenant-audit/tenant-audit';
import { errorHandler, notFound } from '../../src/http/json-errors';
import { silentLogger } from '../../src/logger';
import { KNOWN, violationsTenant, WATCH_TENANT } from '../subscriptions/support/seeds';
import { startWatchHarness, type WatchHarness } from '../subscriptions/support/watch-harness';

describe('POST /api/audit and GET /api/allocation over a real server, against the Graph simulator', () => {
  let h: WatchHarness;
  let server: Server;
  let base: string;
  beforeAll(async () => {
    h = await startWatchHarness({ seeds: [violationsTenant(10)] });
    const logger = silentLogger();
    const app = express();
    app.use(
      '/api/audit',
      createAuditRouter({
        runAudit: (tenantId, options) =>
          runTenantAudit({
            store: h.store,
            graph: h.reader,
            logger,
            tenantId,
            routing: () => [],
            queue: h.queue,
            ...(options ? { options } : {}),
          }),
        defaultTenantId: WATCH_TENANT,
      }),
    );
    app.use(
      '/api/allocation',
      createAllocationRouter({ graph: h.reader, store: h.store, tenantId: WATCH_TENANT }),
    );
    app.use(notFound);
    app.use(errorHandler(logger));
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await h.close();
  });
  const post = (path: string, body: unknown) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('refuses an audit request it cannot read', async () => {
    const res = await post('/audit', { record: 'yes' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: { code: 'invalid-request', message: expect.stringMatching(/record/) },
    });
  });

  it('answers the allocation from subscribedSkus before any account is known, with its counting basis', async () => {
    const res = await fetch(`${base}/allocation`);
    expect(res.status).toBe(200);
    const answer = (await res.json()) as {
      tenantId: string;
      needed: number;
      freeAllocation: number;
      basisText: string;
      resourceAccountsBasis: string;
    };
    expect(answer).toMatchObject({ tenantId: WATCH_TENANT, needed: 0, freeAllocation: 130 });
    expect(answer.basisText).toMatch(/ENTERPRISEPREMIUM/);
    expect(answer.resourceAccountsBasis).toMatch(/0 declared in the registry \+ 0 identified/);
  });

  it('runs the audit and returns the report; recorded, it feeds the allocation its resource accounts', async () => {
    const res = await post('/audit', { record: true });
    expect(res.status).toBe(200);
    const report = (await res.json()) as AuditReport;
    expect(report.tenantId).toBe(WATCH_TENANT);
    expect(report.usersScanned).toBe(16);
    expect(report.findings.map((f) => f.ruleId)).toContain('ra.unlicensed');
    expect(report.findings.some((f) => f.subject.kind === 'user' && f.subject.userId === KNOWN.cleanRa)).toBe(
      false,
    );
    expect(report.recorded).not.toBeNull();

    const allocation = (await (await fetch(`${base}/allocation`)).json()) as { needed: number };
    expect(allocation.needed).toBe(4);
  });
});
