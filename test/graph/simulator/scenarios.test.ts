/**
 * The ten scenarios: each seeds and plays against a running simulator, and what it expects agrees with ra-watch's
 * own rules. A small stand-in for the worker reads the tenant through the real Graph client (delta, $batch, Teams
 * user configurations, directory audits) and evaluates the pure rules on what it reads, after the seed, after each
 * step and at the end. That checks the scenario data, the simulator's wire shapes and the client against each other.
 */
import { DeltaExpiredError } from '../../../src/errors';
import type { Finding, ResourceAccount, UserSnapshot } from '../../../src/glossary';
import { createGraphReader } from '../../../src/graph/client/graph-reader-client';
import type { GraphReader } from '../../../src/graph/graph-reader';
import {
  playScenario,
  SCENARIOS,
  scenarioById,
  startGraphSimulator,
  type GraphSimulator,
  type Scenario,
} from '../../../src/graph/simulator';
import { allocationFromSkus } from '../../../src/licensing/allocation';
import { createLicenseCatalog } from '../../../src/licensing/license-catalog';
import { silentLogger } from '../../../src/logger';
import { evaluateAccount, evaluateSwap, evaluateTenant } from '../../../src/rules/evaluate';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver';

describe('the scenario catalog', () => {
  it('holds the ten scenarios of DOMAIN.md §6, numbered 1..10, each its own tenant', () => {
    expect(SCENARIOS.map((s) => s.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(new Set(SCENARIOS.map((s) => s.id)).size).toBe(10);
    expect(new Set(SCENARIOS.map((s) => s.seed.tenantId)).size).toBe(10);
    expect(scenarioById('atomic-swap')?.number).toBe(1);
    expect(scenarioById('7')?.id).toBe('contoso-allocation');
    expect(scenarioById('nope')).toBeUndefined();
  });

  it.each(SCENARIOS.map((s) => [s.id, s] as const))(
    '%s names only users it has, and has steps and expectations',
    (_id, scenario) => {
      const upns = new Set(scenario.seed.users.map((u) => u.userPrincipalName.toLowerCase()));
      for (const step of scenario.steps)
        if (step.kind === 'createUser') upns.add(step.user.userPrincipalName.toLowerCase());
      const { fires, resolves, mayFireTransiently, mustNotFire } = scenario.expected;
      for (const ref of [...fires, ...resolves, ...mayFireTransiently, ...mustNotFire]) {
        if (ref.userPrincipalName !== 'tenant') expect(upns).toContain(ref.userPrincipalName.toLowerCase());
      }
      for (const step of scenario.steps) {
        if ('user' in step && typeof step.user === 'string') expect(upns).toContain(step.user.toLowerCase());
      }
      expect(scenario.steps.length).toBeGreaterThan(0);
      expect(fires.length + resolves.length).toBeGreaterThan(0);
    },
  );
});

describe('each scenario, played against the simulator and judged by the rules', () => {
  let sim: GraphSimulator;
  let receiver: WebhookReceiver;
  let reader: GraphReader;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    sim = await startGraphSimulator({ auditLagMs: 150, notifications: { latencyMs: 5, retryBaseMs: 20 } });
    reader = createGraphReader({
      baseUrl: sim.url,
      tokenProvider: (tenantId) => Promise.resolve(sim.tokenFor(tenantId)),
      logger: silentLogger(),
      skuCacheMs: 0,
      retry: { maxRetries: 4, baseDelayMs: 20, maxDelayMs: 3000 },
    });
  });
  afterAll(async () => {
    await sim.stop();
    await receiver.close();
  });

  it.each(SCENARIOS.map((s) => [s.number, s.id, s] as const))('%i %s', async (_n, _id, scenario) => {
    const tenantId = sim.seed(scenario);
    const started = new Date(Date.now() - 60_000).toISOString();
    const created = await fetch(`${sim.url}/v1.0/subscriptions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${sim.tokenFor(tenantId)}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        changeType: 'updated,deleted',
        notificationUrl: `${receiver.url}/notifications/${scenario.id}`,
        lifecycleNotificationUrl: `${receiver.url}/lifecycle/${scenario.id}`,
        resource: 'users',
        expirationDateTime: new Date(Date.now() + 3_600_000).toISOString(),
        clientState: 'scenario-test',
      }),
    });
    expect(created.status).toBe(201);

    const judge = await Judge.start(reader, tenantId);
    const played = await playScenario(sim, scenario, {
      stepGapMs: 20,
      betweenSteps: async (step) => {
        if ('user' in step) await judge.observe(typeof step.user === 'string' ? step.user : step.user.id);
      },
    });
    expect(played.steps).toHaveLength(scenario.steps.length);
    await sim.flushNotifications();
    await new Promise((r) => setTimeout(r, 300)); // past the audit lag
    await judge.finish(started);
    judge.check(scenario);

    // Every change reached the subscriber (until the faults scenario lets its subscription lapse at the very end).
    const delivered = receiver.notifications().filter((p) => p.path === `/notifications/${scenario.id}`);
    expect(delivered.length).toBeGreaterThan(0);
    if (scenario.id === 'faults') {
      await expect(reader.getUsersDeltaPage(tenantId, judge.deltaLink)).rejects.toBeInstanceOf(
        DeltaExpiredError,
      );
      expect(
        receiver
          .notifications()
          .some((p) => p.path === `/lifecycle/${scenario.id}` && p.body.includes('"missed"')),
      ).toBe(true);
      expect(sim.subscriptions(tenantId)).toEqual([]);
    }
  });
});

/** What a watcher would conclude: account findings at every observation, swap and tenant findings at the end. */
class Judge {
  private readonly seen: Finding[] = [];
  private final: Finding[] = [];
  private readonly baseline = new Map<string, UserSnapshot>();
  private readonly accounts = new Map<string, ResourceAccount>();
  deltaLink: string | null = null;

  private constructor(
    private readonly reader: GraphReader,
    private readonly tenantId: string,
  ) {}

  static async start(reader: GraphReader, tenantId: string): Promise<Judge> {
    const judge = new Judge(reader, tenantId);
    for (let link: string | null = null; ;) {
      const page = await reader.getUsersDeltaPage(tenantId, link);
      for (const u of page.users) if (u.kind === 'user') judge.baseline.set(u.snapshot.userId, u.snapshot);
      if (page.deltaLink !== null) {
        judge.deltaLink = page.deltaLink;
        break;
      }
      link = page.nextLink;
    }
    const snapshots = await reader.getUsers(tenantId, [...judge.baseline.keys()]);
    for (const snapshot of snapshots.values()) judge.baseline.set(snapshot.userId, snapshot);
    await judge.evaluate([...judge.baseline.values()], judge.seen);
    return judge;
  }

  async observe(userIdOrUpn: string): Promise<void> {
    const id =
      [...this.baseline.values()].find(
        (s) => s.userPrincipalName?.toLowerCase() === userIdOrUpn.toLowerCase(),
      )?.userId ?? userIdOrUpn;
    await this.evaluate([await this.reader.getUser(this.tenantId, id)], this.seen);
  }

  async finish(from: string): Promise<void> {
    const ids = new Set([...this.baseline.keys()]);
    for (let link: string | null = this.deltaLink; link !== null;) {
      try {
        const page = await this.reader.getUsersDeltaPage(this.tenantId, link);
        for (const u of page.users) ids.add(u.kind === 'user' ? u.snapshot.userId : u.userId);
        link = page.nextLink;
      } catch (error) {
        if (!(error instanceof DeltaExpiredError)) throw error;
        link = null; // the faults scenario expires the tenant's tokens: the baseline ids are enough here
      }
    }
    const finals = [...(await this.reader.getUsers(this.tenantId, [...ids])).values()];
    await this.evaluate(finals, this.final);
    const to = new Date(Date.now() + 60_000).toISOString();
    const catalog = createLicenseCatalog(await this.reader.getSubscribedSkus(this.tenantId, { fresh: true }));
    for (const after of finals) {
      const account = this.accounts.get(after.userId);
      if (!account) continue;
      const activities = await this.reader.getLicenseActivities(this.tenantId, after.userId, from, to);
      this.final.push(
        ...evaluateSwap({
          resourceAccount: account,
          before: this.baseline.get(after.userId) ?? null,
          after,
          activities,
          catalog,
        }),
      );
    }
    const skus = await this.reader.getSubscribedSkus(this.tenantId, { fresh: true });
    this.final.push(
      ...evaluateTenant({
        tenantId: this.tenantId,
        allocation: allocationFromSkus(skus, this.accounts.size),
      }),
    );
    this.seen.push(...this.final);
  }

  check(scenario: Scenario): void {
    const key = (f: Finding) =>
      `${f.ruleId} ${f.subject.kind === 'tenant' ? 'tenant' : (f.subject.userPrincipalName ?? '').toLowerCase()}`;
    const seen = new Map(this.seen.map((f) => [key(f), f]));
    const open = new Set(this.final.map(key));
    const ref = (r: { ruleId: string; userPrincipalName: string }) =>
      `${r.ruleId} ${r.userPrincipalName.toLowerCase()}`;
    for (const fire of scenario.expected.fires) {
      expect({ alert: ref(fire), severity: seen.get(ref(fire))?.severity }).toEqual({
        alert: ref(fire),
        severity: fire.severity,
      });
      const resolvesLater = scenario.expected.resolves.some((r) => ref(r) === ref(fire));
      if (!resolvesLater)
        expect({ openAtEnd: ref(fire), open: open.has(ref(fire)) }).toEqual({
          openAtEnd: ref(fire),
          open: true,
        });
    }
    for (const resolved of scenario.expected.resolves) {
      expect({
        resolves: ref(resolved),
        seen: seen.has(ref(resolved)),
        open: open.has(ref(resolved)),
      }).toEqual({ resolves: ref(resolved), seen: true, open: false });
    }
    for (const transient of scenario.expected.mayFireTransiently)
      expect({ transient: ref(transient), open: open.has(ref(transient)) }).toEqual({
        transient: ref(transient),
        open: false,
      });
    for (const forbidden of scenario.expected.mustNotFire)
      expect({ mustNotFire: ref(forbidden), seen: seen.has(ref(forbidden)) }).toEqual({
        mustNotFire: ref(forbidden),
        seen: false,
      });
  }

  private async evaluate(snapshots: UserSnapshot[], into: Finding[]): Promise<void> {
    const catalog = createLicenseCatalog(await this.reader.getSubscribedSkus(this.tenantId, { fresh: true }));
    for (const snapshot of snapshots) {
      if (snapshot.deleted) continue;
      const teams = await this.reader.getTeamsUserConfiguration(this.tenantId, snapshot.userId);
      if (teams?.accountType === 'resourceAccount' && !this.accounts.has(snapshot.userId)) {
        this.accounts.set(snapshot.userId, {
          tenantId: this.tenantId,
          userId: snapshot.userId,
          identifiedBy: 'teams-user-configuration',
          detail: 'accountType=resourceAccount',
          application: 'unknown',
        });
      }
      into.push(
        ...evaluateAccount({
          snapshot,
          resourceAccount: this.accounts.get(snapshot.userId) ?? null,
          catalog,
        }),
      );
    }
  }
}
