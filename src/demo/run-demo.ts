/**
 * `npm run demo`: the whole product against the built-in Graph simulator. ra-watch starts on a fresh store, creates
 * its subscriptions (the simulator runs Graph's validation handshake against our /notifications), takes its
 * baseline with a full-tenant audit, then the scenarios are played as an admin would (assignLicense calls, new
 * accounts), notifications arrive over real HTTP, the worker reads Graph, the swap follow-ups read the audit log,
 * and each scenario's alerts are compared with what DOMAIN.md §6 expects.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startApp, type App } from '../app';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Scenario } from '../graph/simulator/scenarios';
import { checkScenario, observedAlert, type ObservedAlert } from './check-scenario';
import { startDemoGraph } from './demo-graph';
import { playDemoScenarios, subscribeAndBaseline } from './demo-tenants';

export interface DemoOptions {
  scenarios: readonly Scenario[];
  /** Sinks (Slack, e-mail, Teams, webhook) come from here; the store, port and Graph are the demo's own. */
  config: Config;
  logger: Logger;
  /** The store to use (default: a fresh SQLite file in a temporary directory, removed afterwards). */
  databaseUrl?: string;
  /** The queue to use (default: the embedded one in the demo's store). */
  queue?: Config['queue'];
  /** Gives up waiting for the pipeline to settle after this long (default 90 s). */
  timeoutMs?: number;
  /** Told as each stage begins, for a human watching. */
  onProgress?: (line: string) => void;
}

export interface ScenarioReport {
  id: string;
  number: number;
  title: string;
  passed: boolean;
  problems: string[];
  steps: string[];
  alerts: ObservedAlert[];
}

export interface DemoReport {
  passed: boolean;
  scenarios: ScenarioReport[];
  durationMs: number;
}

export async function runDemo(options: DemoOptions): Promise<DemoReport> {
  const started = Date.now();
  const say = options.onProgress ?? (() => undefined);
  const directory = await mkdtemp(join(tmpdir(), 'ra-watch-demo-'));
  const demoGraph = await startDemoGraph({
    scenarios: options.scenarios,
    logger: options.logger,
    auditLagMs: 800,
    notificationLatencyMs: 50,
  });
  let app: App | null = null;
  try {
    const config: Config = {
      ...options.config,
      port: 0,
      host: '127.0.0.1',
      publicBaseUrl: null,
      databaseUrl: options.databaseUrl ?? `sqlite:${join(directory, 'demo.db')}`,
      clientStates: [randomBytes(24).toString('hex')],
      queue: options.queue ?? { kind: 'embedded', maxDeliveries: options.config.queue.maxDeliveries },
    };
    app = await startApp({
      config,
      logger: options.logger,
      graph: demoGraph.access,
      tenantIds: demoGraph.tenantIds,
      publicBaseUrlFallback: 'local-url',
      // Audit records appear after ~0.8 s here (minutes in a real tenant), so the swap follow-up can look sooner.
      worker: {
        pollMs: 25,
        swapAuditScheduleMs: [1_500, 3_000, 5_000, 8_000, 12_000, 20_000],
        tenantDebounceMs: 200,
      },
      dispatcher: { pollMs: 100 },
      reconcileIntervalMs: 60 * 60 * 1000,
    });
    say(`ra-watch is listening at ${app.url}; Graph simulator at ${demoGraph.simulator.url}`);

    const settleTimeoutMs = options.timeoutMs ?? 90_000;
    await subscribeAndBaseline(app, demoGraph, settleTimeoutMs, say);

    const running = app;
    const played = await playDemoScenarios(
      running,
      demoGraph,
      options.scenarios,
      settleTimeoutMs,
      (scenario) => say(`Playing scenario ${scenario.number}: ${scenario.title}`),
    );
    say('Every notification delivered, every follow-up decided');

    const scenarios: ScenarioReport[] = [];
    for (const [index, scenario] of options.scenarios.entries()) {
      const tenantId = scenario.seed.tenantId.toLowerCase();
      const alerts = (await running.store.alerts.list({ tenantId, limit: 10_000 })).map(observedAlert);
      const verdict = checkScenario(scenario.expected, alerts);
      scenarios.push({
        id: scenario.id,
        number: scenario.number,
        title: scenario.title,
        passed: verdict.passed,
        problems: verdict.problems,
        steps: (played[index]?.steps ?? []).map((step) => step.step.note),
        alerts: verdict.alerts,
      });
    }
    return { passed: scenarios.every((s) => s.passed), scenarios, durationMs: Date.now() - started };
  } finally {
    await app?.stop();
    await demoGraph.simulator.stop();
    await rm(directory, { recursive: true, force: true });
  }
}
