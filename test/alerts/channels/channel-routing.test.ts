/**
 * The routing's copy of the stored channels (issue 19), on a real store: a key rotated to second place is re-sealed
 * with the first as the channel is read, a channel whose secrets no configured key opens becomes a sink that fails
 * every message with the reason (the outbox records why), and a removed channel's sink goes away.
 */
import { randomBytes } from 'node:crypto';
import { createRouting } from '../../../src/alerts/alert-routing';
import { createChannelRouting } from '../../../src/alerts/channels/channel-routing';
import { createChannelSecretBox } from '../../../src/alerts/channels/channel-secrets';
import { createChannelService } from '../../../src/alerts/channels/channel-service';
import { buildTestMessage } from '../../../src/alerts/alert-message';
import { createOutboxDispatcher } from '../../../src/alerts/outbox-dispatcher';
import { PermanentError } from '../../../src/errors';
import { RA_USER_ID, TENANT_ID, unlicensedFinding } from '../alert-fixtures';
import { silentLogger } from '../../../src/logger';
import { createStore } from '../../../src/store/sql-store';
import type { Store } from '../../../src/store/store';
import { createTestDatabase, ENGINES, type TestDatabase } from '../../support/databases';
import { startSlackReceiver } from '../../support/slack-receiver';

describe.each(ENGINES)('channel routing on %s', (engine) => {
  let db: TestDatabase;
  let store: Store;
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    store = createStore(db.database);
  });
  afterAll(async () => {
    await db.drop();
  });

  const routingWith = (keys: Buffer[]) => {
    const box = createChannelSecretBox(keys);
    const routing = createChannelRouting({
      store,
      envSinks: new Map(),
      defaultRouting: createRouting({ sinks: ['log'] }),
      box,
      email: null,
      logger: silentLogger(),
    });
    const service = createChannelService({ store, routing, box, defaultChannels: ['log'] });
    return { routing, service, store };
  };

  it('re-seals a channel sealed with a rotated-away key under the first key, and still delivers', async () => {
    const slack = await startSlackReceiver();
    try {
      const before = routingWith([oldKey]);
      await before.service.addChannel({ name: 'noc', kind: 'slack', url: slack.url }, 'test');
      const sealedOld = (await store.channels.get('noc'))!.sealedSecrets!;

      const after = routingWith([newKey, oldKey]);
      await after.routing.refresh();
      const sealedNew = (await store.channels.get('noc'))!.sealedSecrets!;
      expect(sealedNew.split('.')[1]).not.toBe(sealedOld.split('.')[1]);
      // Now the new key alone opens it.
      const only = routingWith([newKey]);
      expect(await only.service.testChannel('noc')).toEqual({ ok: true, detail: null });
      expect(slack.requests).toHaveLength(1);
    } finally {
      await slack.close();
    }
  });

  it('makes a channel no configured key opens a sink that fails with the reason', async () => {
    const wrong = routingWith([randomBytes(32)]);
    await wrong.routing.refresh();
    const sink = wrong.routing.sinks.get('channel:noc');
    expect(sink).toBeDefined();
    const sent = sink!.send(buildTestMessage('2026-12-03T00:00:00.000Z'), 'k');
    await expect(sent).rejects.toBeInstanceOf(PermanentError);
    await expect(sent).rejects.toThrow(/not in CHANNEL_SECRETS_KEY/);
  });

  it('delivers an entry another replica routed to a channel this one has not read yet', async () => {
    const slack = await startSlackReceiver();
    const here = routingWith([newKey]);
    await here.routing.refresh();
    const dispatcher = createOutboxDispatcher({
      store,
      sinks: here.routing.sinks,
      refreshSinks: () => here.routing.refresh(),
      logger: silentLogger(),
      options: { groupWindowMs: 0 },
    });
    try {
      // The other replica adds the channel and a route, and its worker writes an alert routed there.
      const there = routingWith([newKey]);
      await there.service.addChannel({ name: 'late', kind: 'slack', url: slack.url }, 'test');
      await there.store.tenants.put({
        id: TENANT_ID,
        displayName: null,
        defaultDomain: null,
        status: 'active',
        statusDetail: null,
        addedAt: '2026-12-03T00:00:00.000Z',
        addedBy: 'test',
        checkedAt: null,
        settings: {},
      });
      await there.service.addRoute({ channels: ['late'], tenantIds: [TENANT_ID] }, 'test');
      await store.recordObservation(
        {
          scope: { tenantId: TENANT_ID, userId: RA_USER_ID, ruleIds: ['ra.unlicensed'] },
          findings: [unlicensedFinding()],
          at: new Date().toISOString(),
        },
        there.routing.routing,
      );
      expect(here.routing.sinks.has('channel:late')).toBe(false);
      await dispatcher.runOnce();
      expect(slack.requests).toHaveLength(1);
      expect(here.routing.sinks.has('channel:late')).toBe(true);
    } finally {
      await dispatcher.stop();
      await slack.close();
    }
  });

  it('drops the sink of a removed channel on the next read', async () => {
    const { routing, service } = routingWith([newKey]);
    await routing.refresh();
    expect(routing.sinks.has('channel:noc')).toBe(true);
    for (const route of (await service.listRoutes()).routes) await service.removeRoute(route.id);
    await service.removeChannel('noc');
    expect(routing.sinks.has('channel:noc')).toBe(false);
  });
});
