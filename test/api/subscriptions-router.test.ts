import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { typedErrorHandler } from '../../src/api/api-router';
import { createSubscriptionsRouter } from '../../src/api/subscriptions-router';
import { errorHandler, notFound } from '../../src/http/json-errors';
import { silentLogger } from '../../src/logger';
import { createSubscriptionManager } from '../../src/subscriptions/subscription-manager';
import { plainTenant, WATCH_TENANT } from '../subscriptions/support/seeds';
import { startWatchHarness, type WatchHarness } from '../subscriptions/support/watch-harness';

describe('/api/subscriptions over a real server, against the Graph simulator', () => {
  let h: WatchHarness;
  const servers: Server[] = [];
  beforeEach(async () => {
    h = await startWatchHarness({ seeds: [plainTenant(2)] });
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
    await h.close();
  });

  async function serve(publicBaseUrl: string | null): Promise<string> {
    const manager = createSubscriptionManager({
      store: h.store,
      graph: h.subscriptions,
      queue: h.queue,
      logger: silentLogger(),
      publicBaseUrl,
      clientStates: ['client-state-secret-0123456789abcdef'],
      options: { lifetimeMinutes: 60, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } },
    });
    const app = express();
    app.use('/api/subscriptions', createSubscriptionsRouter({ manager, defaultTenantId: WATCH_TENANT }));
    // The manager's typed failures become statuses in the API router, as under /api in the app.
    app.use(typedErrorHandler);
    app.use(notFound);
    app.use(errorHandler(silentLogger()));
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/subscriptions`;
  }
  const post = (url: string, body: unknown) =>
    fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('creates, lists, renews and deletes', async () => {
    const url = await serve(h.endpoint.baseUrl);

    const created = await post(url, { resource: 'users' });
    expect(created.status).toBe(201);
    const { subscription } = (await created.json()) as {
      subscription: { id: string; tenantId: string; clientStateRef: string };
    };
    expect(subscription).toMatchObject({ tenantId: WATCH_TENANT, clientStateRef: 'CLIENT_STATE#1' });
    expect(JSON.stringify(subscription)).not.toContain('client-state-secret');

    const listed = (await (await fetch(url)).json()) as { subscriptions: Array<{ id: string }> };
    expect(listed.subscriptions.map((s) => s.id)).toEqual([subscription.id]);

    const renewed = await post(`${url}/${subscription.id}/renew`, {});
    expect(renewed.status).toBe(200);
    expect(await renewed.json()).toMatchObject({
      subscription: { id: subscription.id },
      recreatedFrom: null,
    });

    expect((await fetch(`${url}/${subscription.id}`, { method: 'DELETE' })).status).toBe(204);
    const again = await fetch(`${url}/${subscription.id}`, { method: 'DELETE' });
    expect(again.status).toBe(404);
    expect(await again.json()).toMatchObject({ error: { code: 'not-found' } });
    expect(h.simulator.subscriptions(WATCH_TENANT)).toHaveLength(0);
  });

  it('refuses a body it cannot use with a 400 naming the field', async () => {
    const url = await serve(h.endpoint.baseUrl);
    const res = await post(url, { resource: 'messages' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('invalid-request');
    expect(body.error.message).toMatch(/resource/);
  });

  it('answers 409 with the reason when PUBLIC_BASE_URL is not set', async () => {
    const url = await serve(null);
    const res = await post(url, { resource: 'users' });
    expect(res.status).toBe(409);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('public-base-url-missing');
    expect(body.error.message).toMatch(/\/notifications/);
  });

  it('answers 404 for renewing a subscription it does not know', async () => {
    const url = await serve(h.endpoint.baseUrl);
    const res = await post(`${url}/no-such-subscription/renew`, {});
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'subscription-not-found' } });
  });
});
