/**
 * ra-watch without API_TOKEN (a newcomer's `npm start`): the API answers only on loopback. The console opened on
 * the machine itself works without signing in; opened from another address it says plainly why the API refuses
 * and what to do, instead of showing an empty page. Real sockets both ways: the app listens on every interface and
 * the browser reaches it once through 127.0.0.1 and once through the machine's own non-loopback address.
 */
import { networkInterfaces } from 'node:os';
import express, { type Router } from 'express';
import type { Browser } from 'playwright-core';
import { requireApiToken } from '../../src/api/require-api-token';
import { startApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createConsoleApiRouter } from '../../src/console/console-api-router';
import { createConsoleRouter } from '../../src/console/console-router';
import { silentLogger } from '../../src/logger';
import { createEmptyDatabase } from '../support/databases';
import { launchChromium, seriousAccessibilityViolations } from './console-harness';
import { describeWithChromium } from './describe-with-chromium';

jest.setTimeout(120_000);

const TENANT = '5ce0aa01-7d2b-4c8e-9a61-3b0d4e2f8c17';
const WAIT = { timeout: 30_000 };

/** An IPv4 address of this machine that is not loopback, when it has one. */
function outsideAddress(): string | null {
  for (const list of Object.values(networkInterfaces())) {
    for (const entry of list ?? []) if (entry.family === 'IPv4' && !entry.internal) return entry.address;
  }
  return null;
}

describeWithChromium('the console of a ra-watch without API_TOKEN', () => {
  let app: App;
  let browser: Browser;
  let dropDatabase: () => Promise<void>;

  beforeAll(async () => {
    const database = await createEmptyDatabase('sqlite');
    dropDatabase = database.drop;
    let consoleApi: Router | null = null;
    const lateConsoleApi = express.Router();
    lateConsoleApi.use(requireApiToken(null));
    lateConsoleApi.use((req, res, next) => (consoleApi === null ? next() : consoleApi(req, res, next)));
    app = await startApp({
      config: loadConfig({ DATABASE_URL: database.url, PORT: '0', HOST: '0.0.0.0' }),
      logger: silentLogger(),
      tenantIds: [TENANT],
      background: false,
      routers: [
        { path: '/api/console', router: lateConsoleApi },
        { path: '/', router: createConsoleRouter() },
      ],
    });
    consoleApi = createConsoleApiRouter({ store: app.store, queue: app.queue, tenantIds: app.tenantIds });
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await dropDatabase?.();
  });

  const port = () => new URL(app.url ?? '').port;

  it('works on the machine itself without signing in', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`http://127.0.0.1:${port()}/`);
      await page.locator('body[data-loaded="true"]').waitFor(WAIT);
      await expect(page.locator('#auth').isHidden()).resolves.toBe(true);
      await page.locator('#open-alerts', { hasText: 'No open alerts' }).waitFor(WAIT);
      await expect(page.locator('#tenant').inputValue()).resolves.toBe(TENANT);
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
    } finally {
      await page.close();
    }
  });

  const outside = outsideAddress();
  (outside === null ? it.skip : it)(
    'explains from another address that the API answers only on loopback',
    async () => {
      const page = await browser.newPage();
      try {
        await page.goto(`http://${outside}:${port()}/`);
        await page.locator('#auth').waitFor({ state: 'visible', ...WAIT });
        await expect(page.locator('#auth-message').textContent()).resolves.toMatch(
          /no API_TOKEN configured.*loopback/,
        );
        expect(await seriousAccessibilityViolations(page)).toEqual([]);
      } finally {
        await page.close();
      }
    },
  );
});
