/**
 * Plays a scenario's steps against a running simulator, in order, `stepGapMs` apart: the gap is what makes a
 * two-operation swap two activities a realistic time apart (a minute in a tenant; a second or less in tests).
 * The tenant must already be seeded (`simulator.seed(scenario)`), so a watcher can take its baseline first.
 * `betweenSteps` lets an end-to-end test wait for the pipeline to settle before the next change.
 */
import { sleep } from '../../../background/backoff';
import type { GraphSimulator } from '../graph-simulator';
import type { Scenario, ScenarioStep } from './scenario';

export interface PlayOptions {
  /** Pause between two steps (default 1000 ms). */
  stepGapMs?: number;
  /** Called after each step, before the gap. */
  betweenSteps?: (step: ScenarioStep, index: number) => Promise<void>;
}

export interface PlayedStep {
  index: number;
  step: ScenarioStep;
  /** The license activity's correlationId, for assignLicense steps. */
  activityId: string | null;
  /** The user created, for createUser steps. */
  userId: string | null;
}

export interface PlayedScenario {
  scenarioId: string;
  tenantId: string;
  steps: PlayedStep[];
}

export async function playScenario(
  simulator: GraphSimulator,
  scenario: Scenario,
  options: PlayOptions = {},
): Promise<PlayedScenario> {
  const tenantId = scenario.seed.tenantId.toLowerCase();
  if (!simulator.tenants().some((t) => t.tenantId === tenantId))
    throw new Error(
      `Scenario ${scenario.id}: its tenant ${tenantId} is not seeded; call simulator.seed(scenario) first.`,
    );
  const gap = options.stepGapMs ?? 1000;
  const played: PlayedStep[] = [];
  for (const [index, step] of scenario.steps.entries()) {
    if (index > 0 && gap > 0) await sleep(gap);
    if (step.kind === 'wait') await sleep(step.ms);
    played.push({ index, step, ...playStep(simulator, scenario, tenantId, step) });
    if (options.betweenSteps) await options.betweenSteps(step, index);
  }
  return { scenarioId: scenario.id, tenantId, steps: played };
}

function playStep(
  sim: GraphSimulator,
  scenario: Scenario,
  tenantId: string,
  step: ScenarioStep,
): { activityId: string | null; userId: string | null } {
  const none = { activityId: null, userId: null };
  const mine = (target: { tenantId: string }) => target.tenantId === tenantId;
  switch (step.kind) {
    case 'assignLicense':
      return {
        activityId: sim.assignLicense(tenantId, step.user, {
          addLicenses: step.add ?? [],
          removeLicenses: step.remove ?? [],
        }),
        userId: null,
      };
    case 'createUser':
      return { activityId: null, userId: sim.createUser(tenantId, step.user) };
    case 'updateUser':
      sim.updateUser(tenantId, step.user, step.patch);
      return none;
    case 'deleteUser':
      sim.deleteUser(tenantId, step.user, { permanent: step.permanent ?? false });
      return none;
    case 'addGroupMember':
      sim.addGroupMember(tenantId, step.groupId, step.user);
      return none;
    case 'noise':
      playNoise(sim, scenario, tenantId, step.updates);
      return none;
    case 'wait':
      // The pause itself happens in playScenario (this function is synchronous on purpose: one step, one change).
      return none;
    case 'throttle':
      sim.faults.throttleNext(
        (r) => mine(r) && r.path.toLowerCase().includes(step.route.toLowerCase()),
        step.count,
        step.retryAfterSeconds,
      );
      return none;
    case 'fail':
      sim.faults.failNext(step.status, step.count, { route: mine });
      return none;
    case 'expireDeltaTokens':
      sim.faults.expireDeltaTokens(tenantId);
      return none;
    case 'lapseSubscriptions':
      for (const s of sim.subscriptions(tenantId)) sim.expireSubscription(String(s['id']));
      return none;
    case 'lifecycle':
      for (const s of sim.subscriptions(tenantId)) {
        if (typeof s['lifecycleNotificationUrl'] === 'string') sim.sendLifecycle(String(s['id']), step.event);
      }
      return none;
  }
}

/** Harmless edits: job titles of people, display names of resource accounts (never department or licenses). */
function playNoise(sim: GraphSimulator, scenario: Scenario, tenantId: string, updates: number): void {
  const users = scenario.seed.users;
  if (users.length === 0) return;
  for (let i = 0; i < updates; i++) {
    const user = users[i % users.length];
    if (!user) continue;
    const round = Math.floor(i / users.length) + 1;
    if (user.resourceAccount)
      sim.updateUser(tenantId, user.id, { displayName: `${user.displayName} (v${round})` });
    else sim.updateUser(tenantId, user.id, { jobTitle: `Account manager, level ${round}` });
  }
}
