/**
 * The console's test bench: the real app (SQLite file, embedded queue, background loops) watching the Graph simulator
 * after a scenario has played, with the console mounted as `npm start` would serve it, and a real headless Chromium
 * (the first that runs of CHROMIUM_PATH, the system's and the npm-packaged one: test/support/chromium-executable.ts)
 * driven by playwright-core.
 *
 * The console's API reads (`/api/console`) need the app's store and queue, which exist only once `startApp` has
 * run, so they are mounted through a router filled in right after start, behind the same bearer-token guard as /api.
 *
 * With `entra` (a started test/api/entra-stub.ts), the app also accepts that stand-in tenant's tokens on /api
 * (API_ENTRA_*, AZURE_AUTHORITY_HOST) and the console offers "Sign in with Microsoft" (CONSOLE_ENTRA_CLIENT_ID), the
 * console's root registered with the stub as its SPA redirect URI.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import express, { type Router } from 'express';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startApp, type App } from '../../src/app';
import { requireApiToken } from '../../src/api/require-api-token';
import { loadConfig } from '../../src/config';
import { createConsoleApiRouter } from '../../src/console/console-api-router';
import { createConsoleRouter } from '../../src/console/console-router';
import { consoleSignInSettings } from '../../src/console/console-sign-in';
import { startDemoGraph, type DemoGraph } from '../../src/demo/demo-graph';
import { waitUntilQuiet } from '../../src/demo/wait-until-quiet';
import { playScenario, type Scenario } from '../../src/graph/simulator/scenarios';
import { silentLogger } from '../../src/logger';
import { findChromium } from '../support/chromium-executable';
import { createEmptyDatabase } from '../support/databases';
import { API_CLIENT_ID, CONSOLE_CLIENT_ID, ENTRA_TENANT_ID, type EntraStub } from '../api/entra-stub';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** Launches the Chromium that findChromium chose; suites reach here only through describeWithChromium. */
export async function launchChromium(): Promise<Browser> {
  const found = findChromium();
  if (!found.found) throw new Error(found.hint);
  return chromium.launch({ executablePath: found.executablePath, args: CHROMIUM_ARGS });
}

export const ARTIFACTS_DIR = join(__dirname, '..', 'artifacts');
const AXE_PATH = require.resolve('axe-core/axe.min.js');

export interface ConsoleHarness {
  app: App;
  demo: DemoGraph;
  browser: Browser;
  token: string;
  /** The app's base URL: the console is at `${url}/`. */
  url: string;
  stop(): Promise<void>;
}

export interface ConsoleHarnessOptions {
  /** Offer Microsoft sign-in against this stand-in Entra ID (see above). */
  entra?: EntraStub;
  /** More configuration (AZURE_CLIENT_ID for consent links, CHANNEL_SECRETS_KEY...), on top of the harness's own. */
  env?: Record<string, string>;
}

export async function startConsoleHarness(
  scenarios: readonly Scenario[],
  options: ConsoleHarnessOptions = {},
): Promise<ConsoleHarness> {
  const token = randomBytes(18).toString('hex');
  const database = await createEmptyDatabase('sqlite');
  const demo = await startDemoGraph({
    scenarios,
    logger: silentLogger(),
    auditLagMs: 300,
    notificationLatencyMs: 20,
  });
  let consoleApi: Router | null = null;
  const lateConsoleApi = express.Router();
  lateConsoleApi.use(requireApiToken(token));
  lateConsoleApi.use((req, res, next) => (consoleApi === null ? next() : consoleApi(req, res, next)));

  const config = loadConfig({
    DATABASE_URL: database.url,
    PORT: '0',
    HOST: '127.0.0.1',
    API_TOKEN: token,
    CLIENT_STATE: randomBytes(24).toString('hex'),
    ...(options.entra === undefined
      ? {}
      : {
          API_ENTRA_TENANT_ID: ENTRA_TENANT_ID,
          API_ENTRA_AUDIENCE: API_CLIENT_ID,
          AZURE_AUTHORITY_HOST: options.entra.authorityHost,
          CONSOLE_ENTRA_CLIENT_ID: CONSOLE_CLIENT_ID,
        }),
    ...options.env,
  });
  const app = await startApp({
    config,
    logger: silentLogger(),
    graph: demo.access,
    tenantIds: demo.tenantIds,
    publicBaseUrlFallback: 'local-url',
    worker: {
      pollMs: 25,
      swapAuditScheduleMs: [700, 1_400, 2_500, 4_000, 6_000, 9_000],
      tenantDebounceMs: 100,
    },
    dispatcher: { pollMs: 100 },
    reconcileIntervalMs: 60 * 60 * 1000,
    routers: [
      { path: '/api/console', router: lateConsoleApi },
      { path: '/', router: createConsoleRouter({ signIn: consoleSignInSettings(config) }) },
    ],
  });
  if (options.entra !== undefined)
    options.entra.spa = { clientId: CONSOLE_CLIENT_ID, redirectUris: [`${app.url ?? ''}/`] };
  consoleApi = createConsoleApiRouter({ store: app.store, queue: app.queue, tenantIds: app.tenantIds });
  let browser: Browser | null = null;
  try {
    for (const tenantId of demo.tenantIds) await app.subscriptions.create({ tenantId, resource: 'users' });
    for (const tenantId of demo.tenantIds) await app.audit(tenantId, { record: true });
    const settle = () => waitUntilQuiet(app, demo.simulator, 60_000);
    await settle();
    for (const scenario of scenarios)
      await playScenario(demo.simulator, scenario, { stepGapMs: 0, betweenSteps: settle });
    await settle();
    browser = await launchChromium();
  } catch (error) {
    await app.stop();
    await demo.simulator.stop();
    await database.drop();
    throw error;
  }
  const url = app.url ?? '';
  const opened = browser;
  return {
    app,
    demo,
    browser: opened,
    token,
    url,
    stop: async () => {
      await opened.close();
      await app.stop();
      await demo.simulator.stop();
      await database.drop();
    },
  };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown; html: string }>;
}

/** axe-core's serious and critical violations on the page as it is now (evaluated over CDP, so the CSP allows it). */
export async function seriousAccessibilityViolations(page: Page): Promise<AxeViolation[]> {
  const source = await readFile(AXE_PATH, 'utf8');
  await page.evaluate(source);
  // A string, so the page's globals (window, document, axe) need no DOM typings in this Node-side file.
  const violations = await page.evaluate<AxeViolation[]>(
    `axe.run(document, { resultTypes: ['violations'] }).then((result) => result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, html: n.html })) })))`,
  );
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Full-page screenshot under test/artifacts/ (gitignored) for a human to review. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS_DIR, `console-${name}.png`), fullPage: true });
}
