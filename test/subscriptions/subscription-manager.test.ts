import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { PermanentError } from '../../src/errors';
import { silentLogger } from '../../src/logger';
import {
  createSubscriptionManager,
  DEFAULT_EXPIRY_SPREAD_MINUTES,
  GAP_RESYNC_EVENT,
  spreadLifetimeMinutes,
  type SubscriptionManagerOptions,
} from '../../src/subscriptions/subscription-manager';
import type { GraphSubscriptions } from '../../src/graph/graph-subscriptions';
import { plainTenant, WATCH_TENANT } from './support/seeds';
import { startWatchHarness, type WatchHarness } from './support/watch-harness';

const SECRET = 'client-state-secret-0123456789abcdef';
const MINUTE = 60_000;

describe('the subscription manager against the Graph simulator', () => {
  let h: WatchHarness;
  let clock: Date;
  beforeEach(async () => {
    h = await startWatchHarness({ seeds: [plainTenant(3)], simulator: { maxSubscriptionsPerTenant: 3 } });
    clock = new Date();
  });
  afterEach(async () => {
    await h.close();
  });

  const manager = (
    overrides: {
      publicBaseUrl?: string | null;
      graph?: GraphSubscriptions;
      options?: SubscriptionManagerOptions;
    } = {},
  ) =>
    createSubscriptionManager({
      store: h.store,
      graph: overrides.graph ?? h.subscriptions,
      queue: h.queue,
      logger: silentLogger(),
      publicBaseUrl: overrides.publicBaseUrl === undefined ? h.endpoint.baseUrl : overrides.publicBaseUrl,
      clientStates: [SECRET],
      now: () => clock,
      options: {
        lifetimeMinutes: 60,
        retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
        ...overrides.options,
      },
    });

  it('creates a users subscription through the validation handshake and stores which secret, never the secret', async () => {
    const created = await manager().create({ tenantId: WATCH_TENANT, resource: 'users' });

    expect(h.endpoint.validations).toEqual(expect.arrayContaining(['/notifications', '/lifecycle']));
    const inGraph = h.simulator.subscriptions(WATCH_TENANT);
    expect(inGraph).toHaveLength(1);
    expect(inGraph[0]).toMatchObject({
      id: created.id,
      changeType: 'updated,deleted',
      resource: 'users',
      notificationUrl: `${h.endpoint.baseUrl}/notifications`,
    });

    const stored = await h.store.subscriptions.get(created.id);
    expect(stored).toMatchObject({
      tenantId: WATCH_TENANT,
      resource: 'users',
      clientStateRef: 'CLIENT_STATE#1',
      status: 'active',
      lifecycleNotificationUrl: `${h.endpoint.baseUrl}/lifecycle`,
    });
    expect(JSON.stringify(stored)).not.toContain(SECRET);
    // Not in the database file either (nor its write-ahead log).
    const dir = path.dirname(h.database.url.replace(/^sqlite:/, ''));
    for (const file of readdirSync(dir))
      expect(readFileSync(path.join(dir, file)).includes(SECRET)).toBe(false);
  });

  it('renews nothing before half of the life has passed, and each subscription once past it', async () => {
    const m = manager({ options: { expirySpreadMinutes: 0 } }); // the exact half-life, not its spread share
    const created = await m.create({ tenantId: WATCH_TENANT, resource: 'users' });

    clock = new Date(clock.getTime() + 29 * MINUTE);
    expect((await m.renewDue()).renewed).toEqual([]);

    clock = new Date(clock.getTime() + 2 * MINUTE);
    const result = await m.renewDue();
    expect(result.renewed).toEqual([created.id]);
    const stored = await h.store.subscriptions.get(created.id);
    expect(stored?.lastRenewedAt).toBe(clock.toISOString());
    expect(Date.parse(stored?.expiresAt ?? '')).toBeGreaterThan(Date.parse(created.expiresAt));
    expect(Date.parse(String(h.simulator.subscriptions(WATCH_TENANT)[0]?.expirationDateTime))).toBe(
      Date.parse(stored?.expiresAt ?? ''),
    );

    expect((await m.renewDue()).renewed).toEqual([]);
  });

  it('spreads expiries per tenant and resource, under the lifetime asked', async () => {
    const m = manager({ options: { lifetimeMinutes: 41_700 } }); // the default: spread up to a day
    const start = clock.getTime();
    const users = await m.create({ tenantId: WATCH_TENANT, resource: 'users' });
    const groups = await m.create({ tenantId: WATCH_TENANT, resource: 'groups' });
    const lifeOf = (s: { expiresAt: string }, from: number) => (Date.parse(s.expiresAt) - from) / MINUTE;
    for (const s of [users, groups]) {
      expect(lifeOf(s, start)).toBeLessThanOrEqual(41_700); // never beyond what Graph accepts (41,760)
      expect(lifeOf(s, start)).toBeGreaterThanOrEqual(41_700 - DEFAULT_EXPIRY_SPREAD_MINUTES);
    }
    expect(users.expiresAt).not.toBe(groups.expiresAt);
    expect(lifeOf(users, start)).toBeCloseTo(
      spreadLifetimeMinutes(WATCH_TENANT, 'users', 41_700, DEFAULT_EXPIRY_SPREAD_MINUTES),
      2,
    );
  });

  it('asks the same spread share again at each renewal, so subscriptions stay apart', async () => {
    // A 60-minute life (the simulator checks expiries against its own clock): spread up to 3 minutes.
    const m = manager();
    const start = clock.getTime();
    const users = await m.create({ tenantId: WATCH_TENANT, resource: 'users' });
    const life = (Date.parse(users.expiresAt) - start) / MINUTE;
    expect(life).toBeLessThanOrEqual(60);
    expect(life).toBeGreaterThanOrEqual(57);

    clock = new Date(m.dueAt(users).getTime() + MINUTE);
    expect((await m.renewDue()).renewed).toEqual([users.id]);
    const renewed = await h.store.subscriptions.get(users.id);
    expect((Date.parse(renewed!.expiresAt) - clock.getTime()) / MINUTE).toBeCloseTo(life, 3);
  });

  it('spreads the renewals of 200 tenants onboarded in the same minute over hours', () => {
    const lives = Array.from({ length: 200 }, (_, t) =>
      spreadLifetimeMinutes(`tenant-${t}`, 'users', 41_700, DEFAULT_EXPIRY_SPREAD_MINUTES),
    );
    // Due half-way through the life: the renewals' spread is half the expiries'.
    const due = lives.map((l) => l / 2).sort((a, b) => a - b);
    expect(due[due.length - 1]! - due[0]!).toBeGreaterThan(10 * 60);
    let mostInAnHour = 0;
    for (const d of due)
      mostInAnHour = Math.max(mostInAnHour, due.filter((x) => x >= d && x < d + 60).length);
    expect(mostInAnHour).toBeLessThan(40); // 200 over 12 hours: about 17 an hour, never all at once
  });

  it('recreates a subscription Graph no longer knows (404 on renew) and queues a delta resync for the gap', async () => {
    const m = manager();
    const lost = await m.create({ tenantId: WATCH_TENANT, resource: 'users' });
    h.simulator.expireSubscription(lost.id);

    clock = new Date(clock.getTime() + 61 * MINUTE);
    const result = await m.renewDue();

    expect(result.recreated).toHaveLength(1);
    const fresh = result.recreated[0]!.to;
    expect(fresh).not.toBe(lost.id);
    expect(await h.store.subscriptions.get(lost.id)).toBeNull();
    expect(await h.store.subscriptions.get(fresh)).toMatchObject({ status: 'active', resource: 'users' });
    expect(h.simulator.subscriptions(WATCH_TENANT).map((s) => s.id)).toEqual([fresh]);
    const work = await h.drain();
    expect(work).toEqual([
      expect.objectContaining({
        kind: 'lifecycle',
        tenantId: WATCH_TENANT,
        subscriptionId: fresh,
        lifecycleEvent: GAP_RESYNC_EVENT,
      }),
    ]);
  });

  it('without PUBLIC_BASE_URL, refuses with a message saying Graph must reach /notifications', async () => {
    const attempt = manager({ publicBaseUrl: null }).create({ tenantId: WATCH_TENANT, resource: 'users' });
    await expect(attempt).rejects.toMatchObject({ reason: 'public-base-url-missing' });
    await expect(attempt).rejects.toThrow(/PUBLIC_BASE_URL is not set.*\/notifications/s);
    expect(h.simulator.subscriptions(WATCH_TENANT)).toHaveLength(0);
    expect(await h.store.subscriptions.list()).toHaveLength(0);
  });

  it('explains the 403 quota instead of dumping it', async () => {
    const m = manager();
    for (let i = 0; i < 3; i++) await m.create({ tenantId: WATCH_TENANT, resource: 'users' });
    const error = await m.create({ tenantId: WATCH_TENANT, resource: 'users' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as PermanentError).reason).toBe('subscription-quota');
    expect((error as Error).message).toMatch(/quota is reached/);
    expect((error as Error).message).toMatch(/DELETE \/api\/subscriptions/);
    expect(await h.store.subscriptions.list()).toHaveLength(3);
  });

  it('explains a failed validation handshake: our endpoint must be reachable', async () => {
    h.endpoint.refuseValidation = true;
    const error = await manager()
      .create({ tenantId: WATCH_TENANT, resource: 'users' })
      .catch((e: unknown) => e);
    expect((error as PermanentError).reason).toBe('subscription-validation');
    expect((error as Error).message).toMatch(/reachable from the internet/);
  });

  it('deletes in Graph and in the store', async () => {
    const m = manager();
    const created = await m.create({ tenantId: WATCH_TENANT, resource: 'groups' });
    expect(await m.delete(created.id)).toBe(true);
    expect(h.simulator.subscriptions(WATCH_TENANT)).toHaveLength(0);
    expect(await m.list()).toHaveLength(0);
    expect(await m.delete(created.id)).toBe(false);
  });
});
