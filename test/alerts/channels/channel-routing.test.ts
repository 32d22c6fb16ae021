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
import { PermanentError } from '../../../src/errors';
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
    return { routing, service };
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

  it('drops the sink of a removed channel on the next read', async () => {
    const { routing, service } = routingWith([newKey]);
    await routing.refresh();
    expect(routing.sinks.has('channel:noc')).toBe(true);
    await service.removeChannel('noc');
    expect(routing.sinks.has('channel:noc')).toBe(false);
  });
});
