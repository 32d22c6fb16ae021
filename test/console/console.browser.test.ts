/**
 * The web console in a real headless Chromium against the real app: the demo tenants after their scenarios have
 * played (a non-atomic swap, a new resource account without a license, the Resource Account license on a user).
 * The tests run in order, as an admin would: sign in, look, act. Each page is checked with axe-core (no
 * serious or critical violation) and photographed under test/artifacts/ for review.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { waitUntilQuiet } from '../../src/demo/wait-until-quiet';
import { nonAtomicSwapRemoveFirst } from '../../src/graph/simulator/scenarios/s02-non-atomic-swap-remove-first';
import { newRaWithoutLicense } from '../../src/graph/simulator/scenarios/s04-new-ra-without-license';
import { raLicenseOnUser } from '../../src/graph/simulator/scenarios/s05-ra-license-on-user';
import { scenarioTenantId, scenarioUserId } from '../../src/graph/simulator/scenarios/scenario-people';
import {
  screenshot,
  seriousAccessibilityViolations,
  startConsoleHarness,
  type ConsoleHarness,
} from './console-harness';
import { describeWithChromium } from './describe-with-chromium';

jest.setTimeout(120_000);

interface AlertJson {
  id: string;
  ruleId: string;
  userId: string | null;
  replayed: boolean;
  finding: { title: string; remediation: string[] };
}

const WAIT = { timeout: 30_000 };

describeWithChromium('the web console', () => {
  let harness: ConsoleHarness;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    harness = await startConsoleHarness([nonAtomicSwapRemoveFirst, newRaWithoutLicense, raLicenseOnUser]);
    context = await harness.browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
  }, 180_000);
  afterAll(async () => {
    await context?.close();
    await harness?.stop();
  });

  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${harness.url}/api${path}`, {
      headers: { Authorization: `Bearer ${harness.token}` },
    });
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  };
  const alerts = async (query: string) => (await api<{ alerts: AlertJson[] }>(`/alerts?${query}`)).alerts;
  const registry = async (tenantId: string) =>
    (await api<{ resourceAccounts: Array<{ userId: string }> }>(`/resource-accounts?tenantId=${tenantId}`))
      .resourceAccounts;

  it('serves the pages with a strict Content-Security-Policy, and its API reads only with the token', async () => {
    const home = await fetch(`${harness.url}/`);
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toMatch(/text\/html/);
    expect(home.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(await home.text()).toContain('<main id="main"');
    expect((await fetch(`${harness.url}/js/shell.js`)).headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${harness.url}/api/console/summary`)).status).toBe(401);
    const summary = await api<{ tenants: string[]; defaultTenantId: string; deadLetters: number }>(
      '/console/summary',
    );
    expect(summary.defaultTenantId).toBe(harness.app.tenantIds[0]);
    expect(summary.tenants).toEqual(expect.arrayContaining(harness.app.tenantIds));
    expect(summary.deadLetters).toBe((await harness.app.queue.stats()).deadLettered);
  });

  it("asks for the token, says when it is refused, and shows the demo tenant's open alerts once signed in", async () => {
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
    await expect(
      table.locator('tbody tr', { hasText: 'Support Queue' }).first().textContent(),
    ).resolves.toMatch(/critical/i);
    const open = await alerts(`state=open&tenantId=${harness.app.tenantIds[0]}`);
    await expect(table.locator('tbody tr').count()).resolves.toBe(open.length);
    await page.locator('#allocation-figure').waitFor(WAIT);
    await page.locator('#subscriptions-table').waitFor(WAIT);

    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'overview');
  });

  it("opens an alert with its evidence, remediation and the account's timeline, and acknowledges and snoozes it", async () => {
    const tenantId = scenarioTenantId(2);
    const swap = (await alerts(`state=open&tenantId=${tenantId}`)).find(
      (a) => a.ruleId === 'ra.non-atomic-swap',
    );
    if (swap === undefined) throw new Error('scenario 2 raised no non-atomic-swap alert');
    await page.goto(`${harness.url}/`);
    await page.click(`#alert-link-${swap.id}`);
    await page.waitForURL(/alert\.html\?id=/, WAIT);
    await page.locator('#evidence dl').first().waitFor(WAIT);
    await expect(page.locator('h1').textContent()).resolves.toBe(swap.finding.title);
    await expect(page.locator('#remediation li').count()).resolves.toBe(swap.finding.remediation.length);
    // The swap's two license operations are on the account's timeline, with the alert they raised.
    await page.locator('#timeline-list li.alert-raised').first().waitFor(WAIT);
    expect(await page.locator('#timeline-list li.change').count()).toBeGreaterThanOrEqual(2);

    await page.fill('#ack-by', 'Ada Admin');
    await page.fill('#ack-reason', 'Call queue tested: it answers.');
    await page.click('#ack-submit');
    await page.locator('#ack-result', { hasText: 'Acknowledged by Ada Admin' }).waitFor(WAIT);
    const acknowledged = await api<AlertJson>(`/alerts/${swap.id}`);
    expect(acknowledged).toMatchObject({
      acknowledgedBy: 'Ada Admin',
      acknowledgeReason: 'Call queue tested: it answers.',
    });
    await page.locator('#alert-state', { hasText: 'acknowledged by Ada Admin' }).waitFor(WAIT);

    // Snooze: the admin's local time (datetime-local) is sent as an exact instant.
    await page.fill('#ack-snooze', '2030-01-01T12:00');
    await page.click('#ack-submit');
    await page.locator('#ack-result', { hasText: 'snoozed until' }).waitFor(WAIT);
    const snoozed = await api<AlertJson & { snoozedUntil: string | null }>(`/alerts/${swap.id}`);
    const expected = await page.evaluate<string>("new Date('2030-01-01T12:00').toISOString()");
    expect(snoozed.snoozedUntil).toBe(expected);
    await page.locator('#alert-state', { hasText: 'snoozed until' }).waitFor(WAIT);

    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'alert');
  });

  it('lists the resource accounts with licenses and findings, filters them, and adds and removes a registry entry', async () => {
    await page.goto(`${harness.url}/accounts.html`);
    const table = page.locator('#accounts-table');
    await table.waitFor(WAIT);
    const support = table.locator('tbody tr', { hasText: 'Support Queue' });
    await expect(support.textContent()).resolves.toContain('PHONESYSTEM_VIRTUALUSER');

    const userId = '0badc0de-1234-4abc-8def-0123456789ab';
    await page.fill('#add-user', userId);
    await page.selectOption('#add-application', 'call-queue');
    await page.fill('#add-note', 'Front desk queue <script>alert(1)</script>');
    await page.click('#add-form button[type=submit]');
    const added = table.locator(`tbody tr[data-user-id="${userId}"]`);
    await added.waitFor(WAIT);
    // Shown as text, never run or parsed as markup.
    await expect(added.textContent()).resolves.toContain('<script>alert(1)</script>');
    expect(await registry(scenarioTenantId(2))).toContainEqual(
      expect.objectContaining({ userId, identifiedBy: 'registry', application: 'call-queue' }),
    );

    await page.fill('#search', 'front desk');
    await expect(table.locator('tbody tr').count()).resolves.toBe(1);
    await page.fill('#search', '');
    await page.selectOption('#show', 'findings');
    await expect(table.locator(`tbody tr[data-user-id="${userId}"]`).count()).resolves.toBe(0);
    await page.selectOption('#show', 'all');

    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'accounts');

    await page.click(`#remove-${userId}`);
    await page.locator('#remove-result', { hasText: 'removed from the registry' }).waitFor(WAIT);
    await added.waitFor({ state: 'detached', ...WAIT });
    expect((await registry(scenarioTenantId(2))).map((a) => a.userId)).not.toContain(userId);

    // Live: an entry another admin adds (here through the API) appears without a reload.
    const other = '0badc0de-5678-4abc-8def-0123456789ab';
    const put = await fetch(`${harness.url}/api/resource-accounts/${other}`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${harness.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        tenantId: scenarioTenantId(2),
        isResourceAccount: false,
        note: 'added elsewhere',
      }),
    });
    expect(put.status).toBe(200);
    await table.locator(`tbody tr[data-user-id="${other}"]`, { hasText: 'added elsewhere' }).waitFor(WAIT);
  });

  it('previews a replay as a dry run, shows the differences, and delivers the new alerts only once confirmed', async () => {
    // Lee Gu, an ordinary user, got the Resource Account license (scenario 5). An admin now declares Lee a resource
    // account, so today's rules read Lee's recorded changes differently from the rules of the time: the replay shows
    // the differences. (ra-watch also re-checks Lee at once, so what would fire now may already have been alerted:
    // delivery then sends nothing twice, and says so.)
    const tenantId = scenarioTenantId(5);
    const lee = scenarioUserId(5, 2);
    await page.goto(`${harness.url}/accounts.html`);
    await page.selectOption('#tenant', tenantId);
    await page.locator('#accounts-table tbody tr', { hasText: 'Sales Queue' }).waitFor(WAIT);
    await page.fill('#add-user', lee);
    await page.click('#add-form button[type=submit]');
    await page.locator(`#accounts-table tbody tr[data-user-id="${lee}"]`).waitFor(WAIT);
    await waitUntilQuiet(harness.app, harness.demo.simulator, 60_000);

    await page.goto(`${harness.url}/replay.html`);
    // The tenant picker is filled by the page's first read; before it, the select is empty.
    await page.locator('body[data-loaded=true]').waitFor(WAIT);
    await expect(page.locator('#tenant').inputValue()).resolves.toBe(tenantId);
    await page.fill('#replay-from', '1h');
    await page.click('#preview');
    await page.locator('#replay-counts').waitFor(WAIT);
    const covered = await harness.app.store.events.count({
      tenantId,
      from: new Date(Date.now() - 3_600_000).toISOString(),
    });
    await expect(page.locator('#replay-covered dd').textContent()).resolves.toBe(String(covered));
    const newCount = Number(await page.locator('#replay-new dd').textContent());
    expect(newCount).toBeGreaterThan(0);
    await expect(
      page.locator('#replay-differences tbody tr', { hasText: 'new: would fire now' }).count(),
    ).resolves.toBe(newCount);
    // A preview sends nothing: its record is a dry run, no alert is marked replayed.
    const records = async () =>
      (await api<{ replays: Array<{ mode: string; delivered: number }> }>(`/replay?tenantId=${tenantId}`))
        .replays;
    expect((await records()).map((r) => r.mode)).toEqual(['dry-run']);
    expect((await alerts(`tenantId=${tenantId}`)).filter((a) => a.replayed)).toEqual([]);
    await page.locator('#deliver-form').waitFor(WAIT);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'replay');

    await page.check('#deliver-confirm');
    await page.click('#deliver');
    await page.locator('#deliver-result', { hasText: 'Delivered' }).waitFor(WAIT);
    const delivery = (await records()).find((r) => r.mode === 'deliver');
    if (delivery === undefined) throw new Error('no delivering replay was recorded');
    const said = /Delivered (\d+) alert/.exec((await page.locator('#deliver-result').textContent()) ?? '');
    expect(Number(said?.[1])).toBe(delivery.delivered);
    const replayed = (await alerts(`tenantId=${tenantId}`)).filter((a) => a.replayed);
    expect(replayed).toHaveLength(delivery.delivered);
  });

  it('fits a phone-width screen', async () => {
    const phone = await harness.browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    try {
      const small = await phone.newPage();
      await small.goto(`${harness.url}/`);
      await small.locator('#auth').waitFor({ state: 'visible', ...WAIT });
      await small.fill('#token', harness.token);
      await small.click('#auth-form button[type=submit]');
      await small.locator('#open-alerts-table').waitFor(WAIT);
      // Nothing wider than the screen: wide tables scroll inside their own box.
      const overflow = await small.evaluate(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      );
      expect(overflow).toBeLessThanOrEqual(0);
      expect(await seriousAccessibilityViolations(small)).toEqual([]);
      await screenshot(small, 'overview-phone');
    } finally {
      await phone.close();
    }
  });
});
