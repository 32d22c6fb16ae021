import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { silentLogger } from '../../src/logger';
import type { LifecycleWork, UserChanged, WorkItem } from '../../src/queue/work-item';
import { createDeltaReconciler, USERS_DELTA_LINK_KEY } from '../../src/subscriptions/delta-reconcile';
import { createLifecycleHandler } from '../../src/subscriptions/lifecycle-handler';
import { createSubscriptionManager, GAP_RESYNC_EVENT } from '../../src/subscriptions/subscription-manager';
import { plainTenant, WATCH_TENANT } from './support/seeds';
import { startWatchHarness, type WatchHarness } from './support/watch-harness';

/** A Graph lifecycle sample as ingest turns it into work: tenantId or organizationId, our own subscription id. */
const sampleSchema = z.object({
  value: z.array(
    z.looseObject({
      lifecycleEvent: z.string(),
      tenantId: z.string().optional(),
      organizationId: z.string().optional(),
    }),
  ),
});
function lifecycleWork(sample: string, subscriptionId: string): LifecycleWork {
  const file = path.resolve(__dirname, '../../../shared/graph-samples', sample);
  const item = sampleSchema.parse(JSON.parse(readFileSync(file, 'utf8'))).value[0]!;
  expect(item.tenantId ?? item.organizationId).toBeDefined();
  return {
    kind: 'lifecycle',
    tenantId: WATCH_TENANT,
    subscriptionId,
    lifecycleEvent: item.lifecycleEvent,
    receivedAt: new Date().toISOString(),
  };
}
const userWork = (items: WorkItem[]): UserChanged[] =>
  items.filter((i): i is UserChanged => i.kind === 'user-changed');

describe('lifecycle notifications, handled after the queue', () => {
  let h: WatchHarness;
  beforeEach(async () => {
    h = await startWatchHarness({ seeds: [plainTenant(4)] });
  });
  afterEach(async () => {
    await h.close();
  });

  const wire = () => {
    const logger = silentLogger();
    const manager = createSubscriptionManager({
      store: h.store,
      graph: h.subscriptions,
      queue: h.queue,
      logger,
      publicBaseUrl: h.endpoint.baseUrl,
      clientStates: ['client-state-secret-0123456789abcdef'],
      options: { lifetimeMinutes: 60, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } },
    });
    const reconciler = createDeltaReconciler({ store: h.store, graph: h.reader, queue: h.queue, logger });
    const handle = createLifecycleHandler({
      store: h.store,
      manager,
      reconciler,
      logger,
    });
    return { manager, handle };
  };
  const graphCalls = (method: string, suffix: string) =>
    h.simulator.requests().filter((r) => r.method === method && r.path.endsWith(suffix));

  it('reauthorizationRequired: exactly one PATCH of the expiry, no /reauthorize (issue 17 item 4)', async () => {
    const { manager, handle } = wire();
    const subscription = await manager.create({ tenantId: WATCH_TENANT, resource: 'users' });
    const before = h.simulator.subscriptions(WATCH_TENANT)[0]!.expirationDateTime;

    const outcome = await handle(lifecycleWork('lifecycle-reauthorization-required.json', subscription.id));

    expect(outcome).toEqual({ action: 'renewed', subscriptionId: subscription.id });
    expect(graphCalls('PATCH', `/subscriptions/${subscription.id}`)).toHaveLength(1);
    expect(graphCalls('POST', `/subscriptions/${subscription.id}/reauthorize`)).toHaveLength(0);
    expect(await h.store.subscriptions.get(subscription.id)).toMatchObject({
      lastRenewedAt: expect.any(String),
    });
    expect(h.simulator.subscriptions(WATCH_TENANT)[0]!.expirationDateTime).not.toBe(before);

    // A second delivery of the same event, and the renewal loop, within 10 minutes: no further PATCH.
    await handle(lifecycleWork('lifecycle-reauthorization-required.json', subscription.id));
    const round = await manager.renewDue();
    expect(round.renewed).toEqual([]);
    expect(graphCalls('PATCH', `/subscriptions/${subscription.id}`)).toHaveLength(1);
    expect(graphCalls('POST', `/subscriptions/${subscription.id}/reauthorize`)).toHaveLength(0);
  });

  it('reauthorizationRequired for a subscription Graph dropped: renew finds it gone and recreates it', async () => {
    const { manager, handle } = wire();
    const subscription = await manager.create({ tenantId: WATCH_TENANT, resource: 'users' });
    h.simulator.expireSubscription(subscription.id);

    const outcome = await handle(lifecycleWork('lifecycle-reauthorization-required.json', subscription.id));

    expect(outcome.action).toBe('recreated');
    const fresh = outcome.action === 'recreated' ? outcome.newSubscriptionId : '';
    expect(h.simulator.subscriptions(WATCH_TENANT).map((s) => s.id)).toEqual([fresh]);
    expect((await h.store.subscriptions.list()).map((s) => s.id)).toEqual([fresh]);
  });

  it('subscriptionRemoved: recreates it and queues the resync for the gap', async () => {
    const { manager, handle } = wire();
    const subscription = await manager.create({ tenantId: WATCH_TENANT, resource: 'users' });

    const outcome = await handle(lifecycleWork('lifecycle-subscription-removed.json', subscription.id));

    expect(outcome.action).toBe('recreated');
    const fresh = outcome.action === 'recreated' ? outcome.newSubscriptionId : '';
    expect(await h.store.subscriptions.get(fresh)).toMatchObject({ status: 'active' });
    expect(await h.store.subscriptions.get(subscription.id)).toBeNull();
    const queued = await h.drain();
    expect(queued).toEqual([
      expect.objectContaining({ kind: 'lifecycle', subscriptionId: fresh, lifecycleEvent: GAP_RESYNC_EVENT }),
    ]);

    // That queued item, handled in turn, is the delta resync.
    const resync = await handle(queued[0] as LifecycleWork);
    expect(resync).toMatchObject({ action: 'resynced', queued: 4 });
  });

  it('missed: resyncs by delta, queueing users and keeping the link', async () => {
    const { manager, handle } = wire();
    const subscription = await manager.create({ tenantId: WATCH_TENANT, resource: 'users' });

    const outcome = await handle(lifecycleWork('lifecycle-missed.json', subscription.id));

    expect(outcome).toEqual({ action: 'resynced', subscriptionId: subscription.id, queued: 4 });
    expect(userWork(await h.drain())).toHaveLength(4);
    expect(await h.store.settings.get(WATCH_TENANT, USERS_DELTA_LINK_KEY)).not.toBeNull();
  });

  it("missed: also reads Teams' list of resource accounts (issue 17 item 2), and a failing sweep does not fail the resync", async () => {
    const logger = silentLogger();
    const manager = createSubscriptionManager({
      store: h.store,
      graph: h.subscriptions,
      queue: h.queue,
      logger,
      publicBaseUrl: h.endpoint.baseUrl,
      clientStates: ['client-state-secret-0123456789abcdef'],
      options: { lifetimeMinutes: 60, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } },
    });
    const reconciler = createDeltaReconciler({ store: h.store, graph: h.reader, queue: h.queue, logger });
    const swept: string[] = [];
    const handle = createLifecycleHandler({
      store: h.store,
      manager,
      reconciler,
      logger,
      sweepResourceAccounts: (tenantId) => {
        swept.push(tenantId);
        return swept.length === 1 ? Promise.resolve() : Promise.reject(new Error('Teams down'));
      },
    });
    const subscription = await manager.create({ tenantId: WATCH_TENANT, resource: 'users' });

    expect(await handle(lifecycleWork('lifecycle-missed.json', subscription.id))).toMatchObject({
      action: 'resynced',
    });
    expect(await handle(lifecycleWork('lifecycle-missed.json', subscription.id))).toMatchObject({
      action: 'resynced',
    });
    expect(swept).toEqual([WATCH_TENANT, WATCH_TENANT]);
  });

  it('ignores, with a reason, an event it does not know and a reauthorization for a subscription it does not hold', async () => {
    const { handle } = wire();
    const unknownEvent = await handle({
      kind: 'lifecycle',
      tenantId: WATCH_TENANT,
      subscriptionId: 'x',
      lifecycleEvent: 'somethingNew',
      receivedAt: new Date().toISOString(),
    });
    expect(unknownEvent).toMatchObject({
      action: 'ignored',
      why: expect.stringMatching(/unknown lifecycle event/),
    });
    const notOurs = await handle(lifecycleWork('lifecycle-reauthorization-required.json', 'not-ours'));
    expect(notOurs).toMatchObject({ action: 'ignored' });
  });
});
