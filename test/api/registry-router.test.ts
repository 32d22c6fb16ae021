import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createRegistryRouter } from '../../src/api/registry-router';
import { errorHandler, notFound } from '../../src/http/json-errors';
import { silentLogger } from '../../src/logger';
import { createEmbeddedQueue } from '../../src/queue/embedded/adapter';
import type { Queue } from '../../src/queue/queue';
import { createStore } from '../../src/store/sql-store';
import type { Store } from '../../src/store/store';
import { createTestDatabase, type TestDatabase } from '../support/databases';

const TENANT = '5f1c9a3e-7d2b-4c8e-9a61-3b0d4e2f8c17';
const DECLARED = 'a3f6c2d1-9b84-4e7a-8c15-6d2e0f9b7a41';
const IDENTIFIED = 'b4e7d3e2-0c95-4f8b-9d26-7e3f1a0c8b52';

describe('/api/resource-accounts over a real server and a real store', () => {
  let db: TestDatabase;
  let store: Store;
  let queue: Queue;
  let server: Server;
  let url: string;
  beforeEach(async () => {
    db = await createTestDatabase('sqlite');
    store = createStore(db.database);
    queue = createEmbeddedQueue(db.database, { maxDeliveries: 5 });
    const app = express();
    app.use('/api/resource-accounts', createRegistryRouter({ store, defaultTenantId: TENANT, queue }));
    app.use(notFound);
    app.use(errorHandler(silentLogger()));
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/resource-accounts`;
  });
  afterEach(async () => {
    await new Promise((r) => server.close(r));
    await queue.close();
    await db.drop();
  });
  const put = (userId: string, body: unknown) =>
    fetch(`${url}/${userId}`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('declares an account, lists it with the identified ones, and hands it to the worker', async () => {
    await store.identifications.put({
      tenantId: TENANT,
      userId: IDENTIFIED,
      isResourceAccount: true,
      identifiedBy: 'teams-user-configuration',
      detail: 'accountType=resourceAccount',
      application: 'unknown',
      checkedAt: new Date().toISOString(),
    });
    const res = await put(DECLARED, {
      isResourceAccount: true,
      application: 'call-queue',
      note: 'lobby queue',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      entry: {
        tenantId: TENANT,
        userId: DECLARED,
        isResourceAccount: true,
        application: 'call-queue',
        note: 'lobby queue',
      },
    });

    const listed = (await (await fetch(url)).json()) as {
      resourceAccounts: Array<{ userId: string; identifiedBy: string }>;
    };
    expect(listed.resourceAccounts.map((r) => [r.userId, r.identifiedBy]).sort()).toEqual(
      [
        [DECLARED, 'registry'],
        [IDENTIFIED, 'teams-user-configuration'],
      ].sort(),
    );

    const [message] = await queue.receive({ maxMessages: 10, leaseMs: 10_000 });
    expect(message?.body).toMatchObject({
      kind: 'user-changed',
      tenantId: TENANT,
      userId: DECLARED,
      changeType: 'reconcile',
    });
  });

  it('lists an identified account the registry excludes once, as the registry says', async () => {
    await store.identifications.put({
      tenantId: TENANT,
      userId: IDENTIFIED,
      isResourceAccount: true,
      identifiedBy: 'convention',
      detail: 'holds the Teams Phone Resource Account license (MCOEV_VIRTUALUSER)',
      application: 'unknown',
      checkedAt: new Date().toISOString(),
    });
    expect(
      (await put(IDENTIFIED, { isResourceAccount: false, note: 'a person, licensed by mistake' })).status,
    ).toBe(200);
    const listed = (await (await fetch(url)).json()) as {
      resourceAccounts: Array<{ userId: string; identifiedBy: string; isResourceAccount: boolean }>;
    };
    expect(listed.resourceAccounts).toEqual([
      expect.objectContaining({ userId: IDENTIFIED, identifiedBy: 'registry', isResourceAccount: false }),
    ]);
  });

  it('removes an entry, and says so when there is none', async () => {
    await put(DECLARED, { isResourceAccount: true });
    expect((await fetch(`${url}/${DECLARED}`, { method: 'DELETE' })).status).toBe(204);
    expect(await store.registry.get(TENANT, DECLARED)).toBeNull();
    const again = await fetch(`${url}/${DECLARED}`, { method: 'DELETE' });
    expect(again.status).toBe(404);
    expect(await again.json()).toMatchObject({ error: { code: 'not-found' } });
  });

  it.each([
    ['a user id that is not a GUID', 'lobby-phone', { isResourceAccount: true }, /GUID/],
    ['no isResourceAccount', DECLARED, { note: 'x' }, /isResourceAccount/],
    [
      'an unknown application',
      DECLARED,
      { isResourceAccount: true, application: 'voicemail' },
      /application/,
    ],
    ['an unknown field', DECLARED, { isResourceAccount: true, colour: 'red' }, /colour|Unrecognized/i],
  ])('refuses %s with a 400 that names it, and stores nothing', async (_what, userId, body, message) => {
    const res = await put(userId, body);
    expect(res.status).toBe(400);
    const answer = (await res.json()) as { error: { code: string; message: string } };
    expect(answer.error.code).toBe('invalid-request');
    expect(answer.error.message).toMatch(message);
    expect(await store.registry.list(TENANT)).toEqual([]);
  });
});
