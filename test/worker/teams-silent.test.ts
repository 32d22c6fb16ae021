/**
 * Issue 17 item 3: a Teams userConfiguration read that fails (a 500, an outage that outlasts the retries, an odd or
 * unparseable body) is "Teams silent" for that user: counted, logged, and the user's license change is processed
 * from the other sources, never dead-lettered. Real HTTP against the simulator, real store and queue, both engines.
 */
import { randomUUID } from 'node:crypto';
import { createGraphReader } from '../../src/graph/client/graph-reader-client';
import { jsonResponse } from '../../src/graph/simulator/sim-exchange';
import { silentLogger } from '../../src/logger';
import { orderingKeyFor, type UserChanged } from '../../src/queue/work-item';
import { createWorker } from '../../src/worker/worker';
import { ENGINES } from '../support/databases';
import { KNOWN, violationsTenant, WATCH_TENANT } from '../subscriptions/support/seeds';
import { startWatchHarness, type WatchHarness } from '../subscriptions/support/watch-harness';

const TEAMS = '/admin/teams/userConfigurations';

describe.each(ENGINES)('Teams silent (%s): the change is still processed', (engine) => {
  let h: WatchHarness;
  const fallbacks: Array<{ kind: string; status: number }> = [];
  beforeEach(async () => {
    fallbacks.length = 0;
    h = await startWatchHarness({ engine, seeds: [violationsTenant(0)] });
  });
  afterEach(async () => {
    await h.close();
  });

  const processChange = async (userId: string) => {
    const reader = createGraphReader({
      baseUrl: h.simulator.url,
      tokenProvider: (tenantId) => Promise.resolve(h.simulator.tokenFor(tenantId)),
      logger: silentLogger(),
      retry: { maxRetries: 1, baseDelayMs: 5, maxDelayMs: 50 },
      skuCacheMs: 0,
      observer: { answered: () => undefined, throttled: () => undefined, fellBack: (f) => fallbacks.push(f) },
    });
    const worker = createWorker(
      { queue: h.queue, store: h.store, graph: reader, logger: silentLogger(), routing: () => ['log'] },
      { swapAuditScheduleMs: [0], retryBaseMs: 0, tenantDebounceMs: 60_000, leaseMs: 30_000, pollMs: 20 },
    );
    const body: UserChanged = {
      kind: 'user-changed',
      tenantId: WATCH_TENANT,
      userId,
      changeType: 'updated',
      subscriptionId: 'sub-1',
      receivedAt: new Date().toISOString(),
      source: 'notification',
    };
    await h.queue.send([
      { messageId: randomUUID(), orderingKey: orderingKeyFor(WATCH_TENANT, userId), body, coalesce: true },
    ]);
    try {
      await worker.runOnce();
    } finally {
      await worker.stop();
    }
  };

  const expectProcessed = async (userId: string) => {
    const alerts = await h.store.alerts.list({ tenantId: WATCH_TENANT, userId });
    expect(alerts.map((a) => a.ruleId)).toContain('ra.unlicensed');
    expect(await h.queue.listDeadLetters()).toEqual([]);
    const stats = await h.queue.stats();
    expect(stats).toMatchObject({ ready: 0, inFlight: 0, deadLettered: 0 });
    const identification = await h.store.identifications.get(WATCH_TENANT, userId);
    expect(identification).toMatchObject({ isResourceAccount: true, identifiedBy: 'convention' });
  };
  const teamsCalls = () => h.simulator.requests().filter((r) => r.path.includes(TEAMS));

  it('a Teams 500', async () => {
    h.simulator.faults.failNext(500, 5, { route: TEAMS });
    await processChange(KNOWN.unlicensedRa);
    await expectProcessed(KNOWN.unlicensedRa);
    expect(teamsCalls().map((r) => r.status)).toEqual([500]);
    expect(fallbacks).toEqual([{ kind: 'teams_silent', status: 500 }]);
  });

  it('a Teams outage (503 without Retry-After) that outlasts the retries', async () => {
    h.simulator.faults.failNext(503, 5, { route: TEAMS });
    await processChange(KNOWN.unlicensedRa);
    await expectProcessed(KNOWN.unlicensedRa);
    expect(fallbacks).toEqual([{ kind: 'teams_silent', status: 0 }]);
  });

  it.each([
    [
      'an entity for another user wrapped in value',
      { value: [{ id: KNOWN.cleanUser, accountType: 'user' }] },
    ],
    ['a body of another shape', { accountKind: 'resourceAccount' }],
  ])('an odd body: %s', async (_name, odd) => {
    h.simulator.faults.answerNext(TEAMS, 5, jsonResponse(200, odd));
    await processChange(KNOWN.unlicensedRa);
    await expectProcessed(KNOWN.unlicensedRa);
    expect(fallbacks).toEqual([{ kind: 'teams_silent', status: 200 }]);
  });

  it('a body that is not JSON', async () => {
    h.simulator.faults.malformedNext(5, TEAMS);
    await processChange(KNOWN.unlicensedRa);
    await expectProcessed(KNOWN.unlicensedRa);
    expect(fallbacks).toEqual([{ kind: 'teams_silent', status: 200 }]);
  });

  it("Learn's sample shape, the entity wrapped in value, is read, and the request asks for every enum member", async () => {
    h.simulator.faults.answerNext(
      TEAMS,
      1,
      jsonResponse(200, { value: { id: KNOWN.unlicensedRa, accountType: 'resourceAccount' } }),
    );
    await processChange(KNOWN.unlicensedRa);
    expect(await h.store.identifications.get(WATCH_TENANT, KNOWN.unlicensedRa)).toMatchObject({
      isResourceAccount: true,
      identifiedBy: 'teams-user-configuration',
    });
    expect(fallbacks).toEqual([]);
    expect(teamsCalls().map((r) => r.prefer)).toEqual(['include-unknown-enum-members']);
  });
});
