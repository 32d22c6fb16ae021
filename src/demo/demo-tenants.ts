/**
 * What `npm run demo` and `npm start` (no tenant configured) both do with the simulator's demo tenants: subscribe
 * where no subscription is active yet (a restarted `serve` finds its own in the store), take the baseline, and play
 * scenarios as an admin would, letting the pipeline settle after every admin action so each step's effect is seen
 * as it would be in a tenant, where actions are a minute apart rather than a second.
 */
import type { App } from '../app';
import { playScenario, type PlayedScenario, type Scenario } from '../graph/simulator/scenarios';
import type { DemoGraph } from './demo-graph';
import { waitUntilQuiet } from './wait-until-quiet';

export async function subscribeAndBaseline(
  app: App,
  demo: DemoGraph,
  settleTimeoutMs: number,
  say: (line: string) => void = () => undefined,
): Promise<void> {
  for (const tenantId of demo.tenantIds) {
    const active = (await app.subscriptions.list(tenantId)).filter((s) => s.status === 'active');
    if (active.length === 0) await app.subscriptions.create({ tenantId, resource: 'users' });
  }
  say(
    `Subscribed to user changes in ${demo.tenantIds.length} tenant(s) (each answered Graph's validation handshake)`,
  );
  // With no delta link yet, the reconciler's pass is the recorded full-tenant audit. Through the reconciler
  // (serialised per tenant) so it never runs twice at once with the pass it starts on its own.
  for (const tenantId of demo.tenantIds) await app.reconciler.resync(tenantId, 'baseline');
  await waitUntilQuiet(app, demo.simulator, settleTimeoutMs);
  say('Baseline taken: every account audited once');
}

export async function playDemoScenarios(
  app: App,
  demo: DemoGraph,
  scenarios: readonly Scenario[],
  settleTimeoutMs: number,
  onScenario: (scenario: Scenario) => void,
): Promise<PlayedScenario[]> {
  const settle = () => waitUntilQuiet(app, demo.simulator, settleTimeoutMs);
  const played: PlayedScenario[] = [];
  for (const scenario of scenarios) {
    onScenario(scenario);
    played.push(await playScenario(demo.simulator, scenario, { stepGapMs: 0, betweenSteps: settle }));
  }
  return played;
}
