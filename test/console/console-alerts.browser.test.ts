/**
 * The console's depth (issue 20 item 8) in a real headless Chromium against the real app: the Alerts page (open and
 * resolved alerts, filters by state, severity, rule and account, search by UPN, bulk acknowledge, CSV export), the
 * header after a refused token, and the resource-accounts table in a 1,400 px window. The demo tenants' scenarios
 * raise the alerts; one is resolved through the real store (no scenario resolves one), as a fix seen by Graph would.
 */
import { readFile } from 'node:fs/promises';
import type { BrowserContext, Page } from 'playwright-core';
import type { Alert } from '../../src/glossary';
import { nonAtomicSwapRemoveFirst } from '../../src/graph/simulator/scenarios/s02-non-atomic-swap-remove-first';
import { newRaWithoutLicense } from '../../src/graph/simulator/scenarios/s04-new-ra-without-license';
import { raLicenseOnUser } from '../../src/graph/simulator/scenarios/s05-ra-license-on-user';
import {
  screenshot,
  seriousAccessibilityViolations,
  startConsoleHarness,
  type ConsoleHarness,
} from './console-harness';
import { unlicensedFinding } from '../alerts/alert-fixtures';
import { describeWithChromium } from './describe-with-chromium';

jest.setTimeout(120_000);

const WAIT = { timeout: 30_000 };

describeWithChromium('the console: alerts, history and the admin tools around them', () => {
  let harness: ConsoleHarness;
  let context: BrowserContext;
  let page: Page;
  let tenantId: string;
  let resolved: Alert;
  let busiest: string;

  beforeAll(async () => {
    harness = await startConsoleHarness([nonAtomicSwapRemoveFirst, newRaWithoutLicense, raLicenseOnUser]);
    tenantId = harness.app.tenantIds[0]!;
    // The swap scenario's account ends correctly licensed: its "unlicensed" and "Standard on a resource account"
    // alerts are resolved, the swap's stays open. That is the history the Alerts page shows.
    resolved = (await harness.app.store.alerts.list({ tenantId, state: 'resolved' }))[0]!;
    expect(resolved).toBeDefined();
    // Bulk acknowledge needs a tenant with several open alerts.
    const openCounts = await Promise.all(
      harness.app.tenantIds.map(async (t) => ({
        t,
        open: (await harness.app.store.alerts.list({ tenantId: t, state: 'open' })).length,
      })),
    );
    busiest = openCounts.sort((x, y) => y.open - x.open)[0]!.t;
    // The demo tenants have one open alert each: two more accounts of that tenant are found unlicensed, through the
    // real store as the worker records an evaluation.
    for (const n of [1, 2]) {
      const userId = `0badc0de-0000-4000-8000-00000000000${n}`;
      await harness.app.store.recordObservation(
        {
          scope: { tenantId: busiest, userId, ruleIds: ['ra.unlicensed'] },
          findings: [unlicensedFinding(userId, `ra_extra${n}@contoso.com`)],
          at: new Date().toISOString(),
        },
        () => ['log'],
      );
    }
    context = await harness.browser.newContext({
      viewport: { width: 1400, height: 900 },
      acceptDownloads: true,
    });
    page = await context.newPage();
  }, 180_000);
  afterAll(async () => {
    await context?.close();
    await harness?.stop();
  });

  const alerts = async (query: string, tenant = tenantId): Promise<Alert[]> => {
    const res = await fetch(`${harness.url}/api/alerts?tenantId=${tenant}&limit=500&${query}`, {
      headers: { Authorization: `Bearer ${harness.token}` },
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { alerts: Alert[] }).alerts;
  };
  const ROW_IDS =
    "[...document.querySelectorAll('#alerts-table tbody tr')].map((r) => r.getAttribute('data-alert-id')).sort()";
  const rowIds = (p: Page): Promise<string[]> => p.evaluate<string[]>(ROW_IDS);
  /** Waits (polling the page from here: its CSP forbids the eval waitForFunction needs) until `read` gives `want`. */
  const eventually = async <T>(read: () => Promise<T>, want: T): Promise<T> => {
    const until = Date.now() + WAIT.timeout;
    let got = await read();
    while (JSON.stringify(got) !== JSON.stringify(want) && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      got = await read();
    }
    return got;
  };
  /** The table shows exactly these alerts, once the page has redrawn after its read. */
  const showsExactly = async (p: Page, ids: string[]): Promise<void> => {
    const want = [...ids].sort();
    expect(await eventually(() => rowIds(p), want)).toEqual(want);
  };

  it('serves every style sheet the pages link, as CSS', async () => {
    for (const name of ['index', 'alerts', 'alert', 'accounts', 'replay']) {
      const html = await (await fetch(`${harness.url}/${name}.html`)).text();
      const sheets = [...html.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((m) => m[1]!);
      expect(sheets).toEqual(['console.css', 'console-data.css', 'console-forms.css', 'console-narrow.css']);
      for (const sheet of sheets) {
        const res = await fetch(`${harness.url}/${sheet}`);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/text\/css/);
      }
    }
  });

  it('after a refused token, asks again and the header does not say "Signed in"', async () => {
    const fresh = await harness.browser.newContext({ viewport: { width: 1400, height: 900 } });
    try {
      const tab = await fresh.newPage();
      await tab.goto(`${harness.url}/alerts.html`);
      await tab.locator('#auth').waitFor({ state: 'visible', ...WAIT });
      await tab.fill('#token', 'not-the-token');
      await tab.click('#auth-form button[type=submit]');
      await tab.locator('#auth-message', { hasText: 'The API refused this token' }).waitFor(WAIT);
      await expect(tab.locator('#auth').isVisible()).resolves.toBe(true);
      await expect(tab.locator('#session').textContent()).resolves.not.toMatch(/Signed in/);
      await expect(tab.locator('#session-state').count()).resolves.toBe(0);
      await expect(
        tab.evaluate<string | null>("sessionStorage.getItem('ra-watch-api-token')"),
      ).resolves.toBeNull();
    } finally {
      await fresh.close();
    }
  });

  it('lists open and resolved alerts, and filters by state, severity, rule and account', async () => {
    await page.goto(`${harness.url}/alerts.html`);
    await page.fill('#token', harness.token);
    await page.click('#auth-form button[type=submit]');
    await page.locator('#alerts-table').waitFor(WAIT);
    const all = await alerts('');
    expect(await rowIds(page)).toEqual(all.map((a) => a.id).sort());
    await page.locator(`tr[data-alert-id="${resolved.id}"]`, { hasText: 'resolved' }).waitFor(WAIT);

    await page.selectOption('#filter-state', 'resolved');
    await page.click('#filter-apply');
    await page.waitForURL(/state=resolved/, WAIT);
    const history = (await alerts('state=resolved')).map((a) => a.id);
    expect(history).toContain(resolved.id);
    await showsExactly(page, history);

    await page.selectOption('#filter-state', 'open');
    await page.selectOption('#filter-severity', 'critical');
    await page.click('#filter-apply');
    const critical = (await alerts('state=open&severity=critical')).map((a) => a.id).sort();
    expect(critical.length).toBeGreaterThan(0);
    await showsExactly(page, critical);

    await page.selectOption('#filter-severity', '');
    await page.selectOption('#filter-rule', 'ra.non-atomic-swap');
    await page.click('#filter-apply');
    await showsExactly(
      page,
      all
        .filter((a) => a.ruleId === 'ra.non-atomic-swap' && a.state === 'open')
        .map((a) => a.id)
        .sort(),
    );

    // Search by part of a UPN, any case; the filters are in the address bar, so a reload keeps them.
    const someone = all.find((a) => a.finding.subject.kind === 'user' && a.state === 'open')!;
    const upn = someone.finding.subject.kind === 'user' ? someone.finding.subject.userPrincipalName! : '';
    const part = upn.split('@')[0]!.slice(0, 6).toUpperCase();
    await page.selectOption('#filter-rule', '');
    await page.fill('#filter-upn', part);
    await page.click('#filter-apply');
    const matching = (await alerts(`state=open&upn=${encodeURIComponent(part)}`)).map((a) => a.id).sort();
    expect(matching).toContain(someone.id);
    await showsExactly(page, matching);
    await page.reload();
    await expect(page.inputValue('#filter-upn')).resolves.toBe(part);
    await showsExactly(page, matching);

    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'alerts');
  });

  it('exports what the filters show as CSV', async () => {
    await page.goto(`${harness.url}/alerts.html?state=open`);
    await page.selectOption('#tenant', busiest);
    await page.locator('#alerts-table').waitFor(WAIT);
    const open = await alerts('state=open', busiest);
    await showsExactly(
      page,
      open.map((a) => a.id),
    );
    const [download] = await Promise.all([page.waitForEvent('download', WAIT), page.click('#export-csv')]);
    expect(download.suggestedFilename()).toBe('ra-watch-alerts.csv');
    const csv = await readFile(await download.path(), 'utf8');
    const lines = csv.split('\r\n').filter((l) => l !== '');
    expect(lines[0]).toMatch(/^id,tenantId,state,severity,ruleId,rule,account,userPrincipalName,/);
    expect(
      lines
        .slice(1)
        .map((l) => l.split(',')[0])
        .sort(),
    ).toEqual(open.map((a) => a.id).sort());
    await page.locator('#export-result', { hasText: 'Exported' }).waitFor(WAIT);
  });

  it('acknowledges the selected alerts at once', async () => {
    await page.goto(`${harness.url}/alerts.html?state=open`);
    await page.selectOption('#tenant', busiest);
    const open = await alerts('state=open', busiest);
    await showsExactly(
      page,
      open.map((a) => a.id),
    );
    expect(open.length).toBeGreaterThanOrEqual(2);
    const chosen = open.slice(0, 2).map((a) => a.id);
    for (const id of chosen) await page.check(`#select-${id}`);
    await page.locator('#bulk-count', { hasText: '2 alerts selected.' }).waitFor(WAIT);
    // The next poll (the status line's time moves) keeps the ticks.
    const before = await page.locator('#status').textContent();
    const status = () => page.locator('#status').textContent();
    const until = Date.now() + WAIT.timeout;
    while ((await status()) === before && Date.now() < until) await page.waitForTimeout(200);
    expect(await status()).not.toBe(before);
    for (const id of chosen) await expect(page.isChecked(`#select-${id}`)).resolves.toBe(true);
    await page.fill('#bulk-by', 'Bulk Admin');
    await page.fill('#bulk-reason', 'Checked all queues');
    await page.click('#bulk-submit');
    await page.locator('#bulk-result', { hasText: 'Acknowledged 2 alert(s) as Bulk Admin.' }).waitFor(WAIT);
    for (const id of chosen) {
      const [alert] = (await alerts('state=open', busiest)).filter((a) => a.id === id);
      expect(alert).toMatchObject({ acknowledgedBy: 'Bulk Admin', acknowledgeReason: 'Checked all queues' });
    }
    await page
      .locator(`tr[data-alert-id="${chosen[0]}"]`, { hasText: 'acknowledged by Bulk Admin' })
      .waitFor(WAIT);
    await expect(page.locator('#bulk-submit').isDisabled()).resolves.toBe(true);
  });

  it('fits the resource-accounts table in a 1,400 px window, without sideways scrolling', async () => {
    await page.goto(`${harness.url}/accounts.html`);
    const table = page.locator('#accounts-table');
    await table.waitFor(WAIT);
    const fit = await table.evaluate((node) => ({
      table: node.scrollWidth,
      wrap: node.parentElement!.clientWidth,
      page: node.ownerDocument.documentElement.scrollWidth,
    }));
    expect(fit.table).toBeLessThanOrEqual(fit.wrap);
    expect(fit.page).toBeLessThanOrEqual(1400);
    await screenshot(page, 'accounts-1400');
  });
});
