/**
 * Issue 17 item 2: every resource account Teams knows is found, not only candidates. An enabled, unlicensed
 * resource account in an ordinary department, never notified, is alerted from the baseline audit; the hourly sweep
 * and a `missed` lifecycle event find one that appears later. Real HTTP against the simulator (which serves
 * `GET /admin/teams/userConfigurations` with `$filter=accountType eq '...'`), real store and queue, both engines.
 */
import { resourceAccount } from '../../src/graph/simulator/scenarios/scenario-people';
import { graphError } from '../../src/graph/simulator/graph-error';
import { createResourceAccountSweep } from '../../src/identification/resource-account-sweep';
import { silentLogger } from '../../src/logger';
import type { UserChanged } from '../../src/queue/work-item';
import { runTenantAudit } from '../../src/tenant-audit/tenant-audit';
import { ENGINES } from '../support/databases';
import { plainTenant, userIdAt, WATCH_TENANT } from '../subscriptions/support/seeds';
import { startWatchHarness, type WatchHarness } from '../subscriptions/support/watch-harness';

const HIDDEN = userIdAt(9);
const TEAMS = '/admin/teams/userConfigurations';

/** A resource account that matches no convention: enabled, department "Sales", no license. */
function hiddenTenant() {
  const base = plainTenant(5);
  return {
    ...base,
    users: [
      {
        ...resourceAccount(HIDDEN, 'ra_cq_hidden@watchco.com', 'Hidden Queue', 'call-queue', []),
        accountEnabled: true,
        department: 'Sales',
      },
      ...base.users,
    ],
  };
}

describe.each(ENGINES)("Teams' list of resource accounts (%s)", (engine) => {
  let h: WatchHarness;
  beforeEach(async () => {
    h = await startWatchHarness({ engine, seeds: [hiddenTenant()] });
  });
  afterEach(async () => {
    await h.close();
  });

  const audit = () =>
    runTenantAudit({
      store: h.store,
      graph: h.reader,
      logger: silentLogger(),
      tenantId: WATCH_TENANT,
      routing: () => ['log'],
      queue: h.queue,
      options: { record: true },
    });
  const teamsListCalls = () => h.simulator.requests().filter((r) => r.path.startsWith(`/v1.0${TEAMS}?`));

  it('the baseline audit alerts an enabled, unlicensed resource account in any department, never notified', async () => {
    const report = await audit();

    expect(report.teamsResourceAccountsListed).toBe(1);
    expect(report.resourceAccounts.map((r) => r.userId)).toEqual([HIDDEN]);
    expect(report.findings.filter((f) => f.ruleId === 'ra.unlicensed').map((f) => f.dedupeKey)).toEqual([
      expect.stringContaining(HIDDEN),
    ]);
    const alerts = await h.store.alerts.list({ tenantId: WATCH_TENANT, userId: HIDDEN });
    expect(alerts.map((a) => a.ruleId)).toEqual(['ra.unlicensed']);
    expect(teamsListCalls()[0]?.path).toMatch(/\$filter=accountType[+ ]eq[+ ]'resourceAccount'/);
    // One list request, no per-user Teams lookup for the ordinary enabled users.
    expect(h.simulator.requests().filter((r) => r.path.includes(TEAMS))).toHaveLength(1);
  });

  it('when Graph refuses the filter (400), every configuration is listed and filtered here', async () => {
    h.simulator.faults.answerNext(
      (r) => r.path === TEAMS,
      1,
      graphError(400, 'BadRequest', 'Invalid filter clause.'),
    );

    const report = await audit();

    expect(report.resourceAccounts.map((r) => r.userId)).toEqual([HIDDEN]);
    const calls = teamsListCalls().map((r) => r.path);
    expect(calls).toHaveLength(2);
    expect(calls[1]).not.toMatch(/\$filter/);
  });

  it('the sweep records and queues a resource account the cache did not know, once', async () => {
    const sweep = createResourceAccountSweep({
      store: h.store,
      graph: h.reader,
      queue: h.queue,
      logger: silentLogger(),
    });

    const first = await sweep(WATCH_TENANT, 'scheduled');

    expect(first).toEqual({ tenantId: WATCH_TENANT, listed: 1, found: [HIDDEN] });
    expect(await h.store.identifications.get(WATCH_TENANT, HIDDEN)).toMatchObject({
      isResourceAccount: true,
      identifiedBy: 'teams-user-configuration',
    });
    const queued = (await h.drain()).filter((i): i is UserChanged => i.kind === 'user-changed');
    expect(queued.map((i) => i.userId)).toEqual([HIDDEN]);

    // Known now: the next round lists it and queues nothing.
    expect(await sweep(WATCH_TENANT, 'scheduled')).toEqual({ tenantId: WATCH_TENANT, listed: 1, found: [] });
    expect(await h.drain()).toEqual([]);
  });
});
