/**
 * Replicas started together on one store each run the first-start subscribe: only the one that takes the tenant's
 * `subscribe-at-start` lease creates, so Graph ends with one users and one groups subscription, not one per replica.
 * Real HTTP to the simulator (which answers the validation handshakes), real store on both engines.
 */
import { silentLogger } from '../../src/logger';
import { subscribeAtStart } from '../../src/subscriptions/subscribe-at-start';
import { createSubscriptionManager } from '../../src/subscriptions/subscription-manager';
import { ENGINES } from '../support/databases';
import { plainTenant, WATCH_TENANT } from './support/seeds';
import { startWatchHarness, type WatchHarness } from './support/watch-harness';

describe.each(ENGINES)('subscribing at start with three replicas (%s)', (engine) => {
  let h: WatchHarness;
  beforeEach(async () => {
    h = await startWatchHarness({ engine, seeds: [plainTenant(2)] });
  });
  afterEach(async () => {
    await h.close();
  });

  const replica = (holder: string) => ({
    store: h.store,
    subscriptions: createSubscriptionManager({
      store: h.store,
      graph: h.subscriptions,
      queue: h.queue,
      logger: silentLogger(),
      publicBaseUrl: h.endpoint.baseUrl,
      clientStates: ['client-state-secret-0123456789abcdef'],
      options: { lifetimeMinutes: 60 },
    }),
    logger: silentLogger(),
    publicBaseUrl: h.endpoint.baseUrl,
    holder,
  });

  it('creates each subscription once, by the replica that took the lease', async () => {
    const outcomes = await Promise.all(
      ['replica-a', 'replica-b', 'replica-c'].map((holder) =>
        subscribeAtStart(replica(holder), WATCH_TENANT),
      ),
    );

    expect(outcomes.filter((o) => o.kind === 'subscribed')).toEqual([
      { kind: 'subscribed', created: ['users', 'groups'] },
    ]);
    expect(outcomes.filter((o) => o.kind === 'another-replica')).toHaveLength(2);
    const live = h.simulator.subscriptions(WATCH_TENANT);
    expect(live.map((s) => s.resource).sort()).toEqual(['groups', 'users']);
  });

  it('a later start, once the lease has run out, finds them and creates nothing', async () => {
    await subscribeAtStart(replica('first'), WATCH_TENANT);
    const later = await subscribeAtStart(
      { ...replica('second'), now: () => new Date(Date.now() + 6 * 60_000) },
      WATCH_TENANT,
    );
    expect(later).toEqual({ kind: 'subscribed', created: [] });
    expect(h.simulator.subscriptions(WATCH_TENANT)).toHaveLength(2);
  });

  it('without PUBLIC_BASE_URL it subscribes nothing and says why', async () => {
    const outcome = await subscribeAtStart({ ...replica('x'), publicBaseUrl: null }, WATCH_TENANT);
    expect(outcome).toEqual({ kind: 'no-public-url' });
    expect(h.simulator.subscriptions(WATCH_TENANT)).toHaveLength(0);
  });
});
