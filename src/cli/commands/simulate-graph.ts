/**
 * `ra-watch simulate-graph --port N [--scenario id...]`: the Graph simulator on its own, for trying ra-watch (point
 * GRAPH_BASE_URL at it with a tenant's token as GRAPH_ACCESS_TOKEN) or for developing against Graph's shapes.
 */
import type { Command } from 'commander';
import { createLogger } from '../../logger';
import { SCENARIOS, scenarioById, type Scenario } from '../../graph/simulator/scenarios';
import { startGraphSimulator } from '../../graph/simulator/graph-simulator';
import { UsageError } from '../cli-error';
import { port } from '../arguments';
import { outputOptions, reportFormat, type FormatOptions } from '../report-format';
import type { Output } from '../output';
import { runUntilSignal } from '../run-until-signal';

interface SimulateOptions extends FormatOptions {
  port: number;
  scenario?: string[];
}

export function registerSimulateGraph(program: Command, output: Output): void {
  const command = program
    .command('simulate-graph')
    .description(
      'Run the built-in Microsoft Graph simulator, seeded with the demo scenarios (see ra-watch demo --help).',
    )
    .option('--port <n>', 'listen on this port (0: any free port)', port('--port'), 4000)
    .option('--scenario <id...>', 'seed only these scenarios (default: all ten)');
  outputOptions(command, ['table', 'json']).action(async (options: SimulateOptions) => {
    const json = reportFormat(options, ['table', 'json']) === 'json';
    const scenarios: Scenario[] = (options.scenario ?? SCENARIOS.map((s) => s.id)).map((id) => {
      const scenario = scenarioById(id);
      if (scenario === undefined)
        throw new UsageError(
          `--scenario ${id} is not a scenario (known: ${SCENARIOS.map((s) => s.id).join(', ')}).`,
        );
      return scenario;
    });
    const logger = createLogger({ level: 'info', destination: process.stderr, name: 'graph-simulator' });
    const simulator = await startGraphSimulator({
      port: options.port,
      host: '127.0.0.1',
      logger,
      seeds: scenarios.map((s) => s.seed),
    });
    const tenants = simulator
      .tenants()
      .map((t) => ({ tenantId: t.tenantId, name: t.accountName, token: t.token, users: t.users }));
    if (json) output.json({ url: simulator.url, tenants });
    else {
      output.text(`Graph simulator at ${simulator.url} (GRAPH_BASE_URL=${simulator.url})`);
      for (const t of tenants)
        output.text(`  tenant ${t.tenantId} (${t.name}, ${t.users} users): GRAPH_ACCESS_TOKEN=${t.token}`);
    }
    await runUntilSignal(
      () => simulator.stop(),
      () => undefined,
    );
  });
}
