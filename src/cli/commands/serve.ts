/**
 * `ra-watch serve` (`npm start`): ingest + worker + background loops in one process. With no tenant configured it
 * says so plainly and watches the built-in simulator's demo tenants instead, so a newcomer's first run does
 * something real: it subscribes, takes a baseline, plays the scenarios once, and the alerts appear in the log.
 */
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { loadConfig, readEnvironment, type Config } from '../../config';
import { describeError } from '../../errors';
import { createLogger, type Logger } from '../../logger';
import { startApp, type App } from '../../app';
import { SCENARIOS } from '../../graph/simulator/scenarios';
import { startDemoGraph, type DemoGraph } from '../../demo/demo-graph';
import { playDemoScenarios, subscribeAndBaseline } from '../../demo/demo-tenants';
import { port } from '../arguments';
import type { Output } from '../output';
import { runUntilSignal } from '../run-until-signal';
import { subscribeAtStart } from '../../subscriptions/subscribe-at-start';
import { describeStore, storeUrlFor, watchesDemoTenants } from '../store-location';

interface ServeOptions {
  port?: number;
}

export function registerServe(program: Command, output: Output): void {
  program
    .command('serve')
    .description(
      'Run ra-watch: webhook ingest, worker, alerts, subscription renewal and delta reconcile in one process.',
    )
    .option('--port <n>', 'listen on this port (default PORT or 3000)', port('--port'))
    .action(async (options: ServeOptions) => {
      const env = loadConfig(readEnvironment());
      const config: Config = options.port === undefined ? env : { ...env, port: options.port };
      const logger = createLogger({ level: config.logLevel, format: config.logFormat });
      let watching: { app: App; demo: DemoGraph | null };
      try {
        watching = watchesDemoTenants(config)
          ? await watchDemoTenants(config, logger, output)
          : await watchTenant(config, logger);
      } catch (error) {
        // A start that cannot complete (the database or the queue unreachable, the port taken) exits 1 with the
        // reason; startApp has closed what it had opened, so nothing keeps the process alive.
        throw new Error(`could not start: ${describeError(error)}`, { cause: error });
      }
      await runUntilSignal(
        async () => {
          await watching.app.stop();
          await watching.demo?.simulator.stop();
        },
        (signal) =>
          logger.info(
            { signal },
            'stopping: finishing in-flight work (send the signal again to exit at once)',
          ),
      );
    });
}

async function watchTenant(config: Config, logger: Logger): Promise<{ app: App; demo: null }> {
  const app = await startApp({ config, logger });
  const tenantId = config.graph.tenantId;
  if (tenantId !== null) void prepareTenant(app, tenantId, config, logger);
  return { app, demo: null };
}

/** First start on a tenant: subscribe when Graph can reach us (once across replicas: subscribe-at-start.ts). */
async function prepareTenant(app: App, tenantId: string, config: Config, logger: Logger): Promise<void> {
  try {
    await subscribeAtStart(
      { store: app.store, subscriptions: app.subscriptions, logger, publicBaseUrl: config.publicBaseUrl },
      tenantId,
    );
    // The baseline audit is the delta reconciler's first pass (no delta link yet): it runs on its own.
  } catch (error) {
    logger.error(
      { tenantId, err: error },
      'preparing the tenant failed; ra-watch keeps running and the renewal and reconcile loops will retry',
    );
  }
}

async function watchDemoTenants(
  config: Config,
  logger: Logger,
  output: Output,
): Promise<{ app: App; demo: DemoGraph }> {
  const scenarios = SCENARIOS.filter((s) => s.number <= 7);
  output.error(
    'ra-watch: no tenant is configured (set AZURE_TENANT_ID, AZURE_CLIENT_ID and a credential, or GRAPH_ACCESS_TOKEN; see README).\n' +
      "ra-watch: watching the built-in Graph simulator's demo tenants instead; their alerts appear below in the log.\n" +
      `ra-watch: storing them in ${describeStore(config)}; \`ra-watch alerts list\` in this directory reads them.`,
  );
  const demo = await startDemoGraph({ scenarios, logger, auditLagMs: 2_000, notificationLatencyMs: 200 });
  const app = await startApp({
    config: {
      ...config,
      // The same rule the one-shot commands follow, so `ra-watch alerts list` reads what this process writes.
      databaseUrl: storeUrlFor(config),
      // The simulator is in-process and needs no secret from the admin; Graph's rules still apply, so one is made up.
      clientStates: config.clientStates.length > 0 ? config.clientStates : [randomBytes(24).toString('hex')],
    },
    logger,
    graph: demo.access,
    tenantIds: demo.tenantIds,
    publicBaseUrlFallback: 'local-url',
    // The simulator's audit log lags 2 s, not minutes: look at it on a schedule of seconds.
    worker: { swapAuditScheduleMs: [3_000, 6_000, 10_000, 15_000, 25_000, 40_000] },
  }).catch(async (error: unknown) => {
    // The simulator is a server of its own: left running, it would keep the failed process alive.
    await demo.simulator.stop();
    throw error;
  });
  output.error(`ra-watch: listening at ${app.url}; Graph simulator at ${demo.simulator.url}`);
  void (async () => {
    try {
      await subscribeAndBaseline(app, demo, 120_000);
      await playDemoScenarios(app, demo, scenarios, 120_000, (scenario) =>
        logger.info({ scenario: scenario.id }, `demo tenant: playing "${scenario.title}"`),
      );
    } catch (error) {
      logger.error({ err: error }, 'the demo tenant could not be played');
    }
  })();
  return { app, demo };
}
