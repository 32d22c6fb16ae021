/**
 * The built-in Graph simulator seeded with scenario tenants, as ra-watch's Graph: what `npm run demo` plays against
 * and what `npm start` watches when no tenant is configured. The simulator issues one token per tenant, so the
 * token provider asks it rather than Entra ID.
 */
import type { GraphAccess } from '../app';
import type { Logger } from '../logger';
import { startGraphSimulator, type GraphSimulator } from '../graph/simulator/graph-simulator';
import type { Scenario } from '../graph/simulator/scenarios';

export interface DemoGraph {
  simulator: GraphSimulator;
  access: GraphAccess;
  tenantIds: string[];
}

export interface DemoGraphOptions {
  scenarios: readonly Scenario[];
  logger: Logger;
  port?: number;
  /** How late the directory audit records appear (Graph: minutes; the demo: about a second). */
  auditLagMs: number;
  notificationLatencyMs: number;
}

export async function startDemoGraph(options: DemoGraphOptions): Promise<DemoGraph> {
  const simulator = await startGraphSimulator({
    port: options.port ?? 0,
    host: '127.0.0.1',
    logger: options.logger,
    auditLagMs: options.auditLagMs,
    notifications: { latencyMs: options.notificationLatencyMs },
    seeds: options.scenarios.map((scenario) => scenario.seed),
  });
  const tenantIds = options.scenarios.map((scenario) => scenario.seed.tenantId.toLowerCase());
  return {
    simulator,
    tenantIds,
    access: {
      baseUrl: simulator.url,
      tokenProvider: (tenantId) => Promise.resolve(simulator.tokenFor(tenantId)),
    },
  };
}
