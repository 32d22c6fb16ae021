/**
 * `ra-watch simulate-graph --port N [--scenario id]`: the simulator on its own, seeded with the chosen scenarios
 * (all ten by default), printing its URL and each tenant's token so a watcher (or curl) can be pointed at it.
 * It runs until stopped; the returned handle stops it.
 */
import type { Logger } from '../../logger';
import { startGraphSimulator, type GraphSimulator } from './graph-simulator';
import { SCENARIOS, scenarioById, type Scenario } from './scenarios';

export interface StandaloneOptions {
  port: number;
  host?: string;
  /** Scenario ids or numbers; empty or absent = all ten. */
  scenarioIds?: string[];
  logger: Logger;
  /** Where the banner goes (default: stdout). */
  print?: (line: string) => void;
  auditLagMs?: number;
}

export async function runSimulatorStandalone(options: StandaloneOptions): Promise<GraphSimulator> {
  const chosen: Scenario[] = [];
  for (const id of options.scenarioIds ?? []) {
    const scenario = scenarioById(id);
    if (!scenario) {
      throw new Error(
        `Unknown scenario '${id}'. Known: ${SCENARIOS.map((s) => `${s.number} ${s.id}`).join(', ')}.`,
      );
    }
    chosen.push(scenario);
  }
  const scenarios = chosen.length > 0 ? chosen : [...SCENARIOS];
  const simulator = await startGraphSimulator({
    port: options.port,
    logger: options.logger,
    seeds: scenarios,
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.auditLagMs === undefined ? {} : { auditLagMs: options.auditLagMs }),
  });
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  print(`Graph simulator listening on ${simulator.url} (Graph v1.0 under ${simulator.url}/v1.0)`);
  print(
    `Set GRAPH_BASE_URL=${simulator.url} and use a tenant's token as GRAPH_ACCESS_TOKEN (the simulator keeps no secret).`,
  );
  for (const scenario of scenarios) {
    const tenantId = scenario.seed.tenantId.toLowerCase();
    print(
      `  ${String(scenario.number).padStart(2)} ${scenario.id.padEnd(30)} tenant ${tenantId}  token ${simulator.tokenFor(tenantId)}`,
    );
  }
  return simulator;
}
