/**
 * Issue 17 item 5: POST /subscriptions is not idempotent. The simulator creates the subscription and then loses the
 * answer (a 504 from the gateway, or the connection dropped); ra-watch must end with exactly one live subscription
 * for the tenant + resource + URL, and know it. Real HTTP, real store on both engines.
 */
import { silentLogger } from '../../src/logger';
import { createSubscriptionManager } from '../../src/subscriptions/subscription-manager';
import { ENGINES } from '../support/databases';
import { plainTenant, WATCH_TENANT } from './support/seeds';
import { startWatchHarness, type WatchHarness } from './support/watch-harness';

describe.each(ENGINES)('a lost create answer (%s)', (engine) => {
  let h: WatchHarness;
  beforeEach(async () => {
    h = await startWatchHarness({ engine, seeds: [plainTenant(2)] });
  });
  afterEach(async () => {
    await h.close();
  });

  const manager = () =>
    createSubscriptionManager({
      store: h.store,
      graph: h.subscriptions,
      queue: h.queue,
      logger: silentLogger(),
      publicBaseUrl: h.endpoint.baseUrl,
      clientStates: ['client-state-secret-0123456789abcdef'],
      options: { lifetimeMinutes: 60, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 } },
    });
  const posts = () =>
    h.simulator.requests().filter((r) => r.method === 'POST' && r.path === '/v1.0/subscriptions');

  it.each(['gateway-timeout', 'drop-connection'] as const)(
    'after %s the created subscription is adopted, not created twice',
    async (how) => {
      h.simulator.faults.loseAnswerNext((r) => r.method === 'POST' && r.path === '/subscriptions', 1, how);

      const created = await manager().create({ tenantId: WATCH_TENANT, resource: 'users' });

      const live = h.simulator.subscriptions(WATCH_TENANT);
      expect(live.map((s) => s.id)).toEqual([created.id]);
      expect(posts()).toHaveLength(1);
      expect((await h.store.subscriptions.list()).map((s) => s.id)).toEqual([created.id]);
    },
  );

  it('an orphan from an earlier lost answer and the new one: one is kept, the duplicate is deleted', async () => {
    // An earlier run's POST created a subscription whose answer never came back: Graph has it, ra-watch does not.
    const orphan = await h.subscriptions.create({
      tenantId: WATCH_TENANT,
      resource: 'users',
      changeType: 'updated,deleted',
      notificationUrl: `${h.endpoint.baseUrl}/notifications`,
      lifecycleNotificationUrl: `${h.endpoint.baseUrl}/lifecycle`,
      clientState: 'client-state-secret-0123456789abcdef',
      expirationDateTime: new Date(Date.now() + 30 * 60_000).toISOString(),
    });
    h.simulator.faults.loseAnswerNext((r) => r.method === 'POST' && r.path === '/subscriptions', 1);

    const created = await manager().create({ tenantId: WATCH_TENANT, resource: 'users' });

    expect(created.id).not.toBe(orphan.id);
    expect(h.simulator.subscriptions(WATCH_TENANT).map((s) => s.id)).toEqual([created.id]);
    expect(
      h.simulator
        .requests()
        .filter((r) => r.method === 'DELETE' && r.path === `/v1.0/subscriptions/${orphan.id}`),
    ).toHaveLength(1);
    expect((await h.store.subscriptions.list()).map((s) => s.id)).toEqual([created.id]);
  });

  it('a subscription ra-watch already holds is never adopted by a second create', async () => {
    const first = await manager().create({ tenantId: WATCH_TENANT, resource: 'users' });
    h.simulator.faults.loseAnswerNext((r) => r.method === 'POST' && r.path === '/subscriptions', 1);

    const second = await manager().create({ tenantId: WATCH_TENANT, resource: 'users' });

    expect(second.id).not.toBe(first.id);
    expect(
      h.simulator
        .subscriptions(WATCH_TENANT)
        .map((s) => s.id)
        .sort(),
    ).toEqual([first.id, second.id].sort());
  });
});
