/**
 * The web console in a real headless Chromium against the real app: the demo tenants after their scenarios have
 * played (a non-atomic swap, a new resource account without a license). Each page is checked with axe-core (no
 * serious or critical violation) and photographed under test/artifacts/ for review.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { nonAtomicSwapRemoveFirst } from '../../src/graph/simulator/scenarios/s02-non-atomic-swap-remove-first';
import { newRaWithoutLicense } from '../../src/graph/simulator/scenarios/s04-new-ra-without-license';
import { screenshot, seriousAccessibilityViolations, startConsoleHarness, type ConsoleHarness } from './console-harness';

jest.setTimeout(120_000);

const WAIT = { timeout: 30_000 };

describe('the web console', () => {
  let harness: ConsoleHarness;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    harness = await startConsoleHarness([nonAtomicSwapRemoveFirst, newRaWithoutLicense]);
    context = await harness.browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
  }, 180_000);
  afterAll(async () => {
    await context?.close();
    await harness?.stop();
  });

  const api = async (path: string) => {
    const res = await fetch(`${harness.url}/api${path}`, { headers: { Authorization: `Bearer ${harness.token}` } });
    expect(res.ok).toBe(true);
    return (await res.json()) as Record<string, unknown>;
  };

  it('asks for the token, says when it is refused, and shows the demo tenant\'s open alerts once signed in', async () => {
    await page.goto(`${harness.url}/`);
    await page.locator('#auth').waitFor({ state: 'visible', ...WAIT });
    await page.fill('#token', 'not-the-token');
    await page.click('#auth-form button[type=submit]');
    await page.locator('#auth-message', { hasText: 'refused' }).waitFor(WAIT);

    await page.fill('#token', harness.token);
    await page.click('#auth-form button[type=submit]');
    await page.locator('#auth').waitFor({ state: 'hidden', ...WAIT });
    const table = page.locator('#open-alerts-table');
    await table.waitFor(WAIT);
    // The first demo tenant (the configured one) is a non-atomic swap on the Support Queue's resource account.
    await expect(table.locator('tbody tr', { hasText: 'Support Queue' }).first().textContent()).resolves.toMatch(/critical/i);
    const open = (await api(`/alerts?state=open&tenantId=${harness.app.tenantIds[0]}`)).alerts as unknown[];
    await expect(table.locator('tbody tr').count()).resolves.toBe(open.length);
    await page.locator('#allocation-figure').waitFor(WAIT);
    await page.locator('#subscriptions-table').waitFor(WAIT);

    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'overview');
  });
});
