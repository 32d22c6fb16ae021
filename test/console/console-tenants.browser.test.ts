/**
 * The console for many tenants (issue 19 item 7) in a real headless Chromium against the real app: two customer
 * tenants in the Graph simulator after their scenarios have played (a non-atomic swap at Contoso, critical; Teams
 * Phone Standard on a resource account at Fabrikam, a warning), added to the registry so they carry their names.
 * The admin sees both on the all-tenants page with their counts, opens one, checks it, adds a third tenant whose
 * consent lacks a permission (its consent link and the check naming the permission), checks it again once
 * consented, removes it, and sets up a Slack channel and a route for Contoso's critical alerts (which reach it,
 * Fabrikam's do not) without the page ever showing the webhook URL. Each page is checked with axe-core and
 * photographed under test/artifacts/.
 */
import { randomBytes } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { nonAtomicSwapRemoveFirst } from '../../src/graph/simulator/scenarios/s02-non-atomic-swap-remove-first';
import { standardOnRa } from '../../src/graph/simulator/scenarios/s06-standard-on-ra';
import type { Scenario } from '../../src/graph/simulator/scenarios';
import { resourceAccount } from '../../src/graph/simulator/scenarios/scenario-people';
import { waitUntilQuiet } from '../../src/demo/wait-until-quiet';
import type { ConsoleTenant } from '../../src/console/console-tenants';
import type { TenantView } from '../../src/tenants/tenant-service';
import { smallTenant } from '../graph/simulator/small-tenant';
import { slackText, startSlackReceiver } from '../support/slack-receiver';
import type { WebhookReceiver } from '../support/webhook-receiver';
import {
  screenshot,
  seriousAccessibilityViolations,
  startConsoleHarness,
  type ConsoleHarness,
} from './console-harness';
import { describeWithChromium } from './describe-with-chromium';

jest.setTimeout(60_000);

const WAIT = { timeout: 20_000 };
const CLIENT_ID = '3c9f1e27-84b6-4d0a-9f52-1e7a6c0b8d43';
const NORTHWIND = '44444444-7d2b-4c8e-9a61-3b0d4e2f8c17';

const named = (scenario: Scenario, displayName: string): Scenario => ({
  ...scenario,
  seed: { ...scenario.seed, displayName },
});
const contosoScenario = named(nonAtomicSwapRemoveFirst, 'Contoso Ltd');
const fabrikamScenario = named(standardOnRa, 'Fabrikam Inc');
const CONTOSO = contosoScenario.seed.tenantId.toLowerCase();
const FABRIKAM = fabrikamScenario.seed.tenantId.toLowerCase();

describeWithChromium('the console for many tenants', () => {
  let harness: ConsoleHarness;
  let slack: WebhookReceiver;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    slack = await startSlackReceiver();
    harness = await startConsoleHarness([contosoScenario, fabrikamScenario], {
      env: {
        // The MSP's multi-tenant app: its client id makes the admin-consent links.
        AZURE_TENANT_ID: CONTOSO,
        AZURE_CLIENT_ID: CLIENT_ID,
        CHANNEL_SECRETS_KEY: randomBytes(32).toString('base64'),
      },
    });
    // In the registry by the API's own path, so each is named from its `GET /organization`.
    for (const tenantId of [CONTOSO, FABRIKAM])
      await harness.app.tenants.add(tenantId, { by: 'noc@msp', baseline: 'wait' });
    context = await harness.browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    await page.goto(`${harness.url}/tenants.html`);
    await page.locator('#auth').waitFor({ state: 'visible', ...WAIT });
    await page.fill('#token', harness.token);
    await page.click('#auth-form button[type=submit]');
    await page.locator('#auth').waitFor({ state: 'hidden', ...WAIT });
  }, 120_000);
  afterAll(async () => {
    await context?.close();
    await harness?.stop();
    await slack?.close();
  });

  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${harness.url}/api${path}`, {
      method,
      headers: { Authorization: `Bearer ${harness.token}`, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return (text === '' ? null : JSON.parse(text)) as T;
  };
  const openCount = async (tenantId: string, severity: string) =>
    (await api<{ alerts: unknown[] }>('GET', `/alerts?state=open&tenantId=${tenantId}&severity=${severity}`))
      .alerts.length;

  it('shows every tenant by name with its status, open critical and warning alerts, licenses to buy and subscriptions', async () => {
    const table = page.locator('#tenants-table');
    await table.waitFor(WAIT);
    const rows = await api<{ tenants: ConsoleTenant[] }>('GET', '/console/tenants');
    expect(rows.tenants.map((t) => t.id).sort()).toEqual([CONTOSO, FABRIKAM].sort());
    for (const [tenantId, name, severity] of [
      [CONTOSO, 'Contoso Ltd', 'critical'],
      [FABRIKAM, 'Fabrikam Inc', 'warning'],
    ] as const) {
      const row = table.locator(`tbody tr[data-tenant-id="${tenantId}"]`);
      await expect(row.locator('a.tenant-name').textContent()).resolves.toBe(name);
      const text = (await row.textContent()) ?? '';
      expect(text).toContain(`${rows.tenants.find((t) => t.id === tenantId)!.defaultDomain}`);
      expect(text).toContain(tenantId);
      expect(text).toContain('watched');
      expect(text).toContain('active');
      const critical = await openCount(tenantId, 'critical');
      // Each has an open alert of its scenario's severity; the cells say exactly what the alerts API says.
      expect(await openCount(tenantId, severity)).toBeGreaterThan(0);
      await expect(row.locator('[data-count=critical]').textContent()).resolves.toBe(String(critical));
      await expect(row.locator('[data-count=warning]').textContent()).resolves.toBe(
        String(await openCount(tenantId, 'warning')),
      );
      const allocation = rows.tenants.find((t) => t.id === tenantId)!.allocation;
      expect(allocation).not.toBeNull();
      await expect(row.locator('[data-count=to-buy]').textContent()).resolves.toBe(String(allocation!.toBuy));
    }
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'tenants');
  });

  it("opens a tenant's page with its facts, consent link, open alerts, allocation and subscriptions, and checks it", async () => {
    await page.click(`tr[data-tenant-id="${CONTOSO}"] a.tenant-name`);
    await page.waitForURL(/tenant\.html\?id=/, WAIT);
    await page.locator('#tenant-facts').waitFor(WAIT);
    await expect(page.locator('h1').textContent()).resolves.toBe('Contoso Ltd');
    const facts = (await page.locator('#tenant-facts').textContent()) ?? '';
    expect(facts).toContain(CONTOSO);
    expect(facts).toContain('removefirst.onmicrosoft.com');
    const consent = await page.locator('#consent-url').inputValue();
    expect(consent).toContain(`/${CONTOSO}/v2.0/adminconsent`);
    expect(new URL(consent).searchParams.get('client_id')).toBe(CLIENT_ID);

    const open = await api<{ alerts: Array<{ id: string; severity: string }> }>(
      'GET',
      `/alerts?state=open&tenantId=${CONTOSO}`,
    );
    await expect(page.locator('#tenant-alerts-table tbody tr').count()).resolves.toBe(open.alerts.length);
    const first = open.alerts[0]!;
    await expect(page.locator(`#alert-link-${first.id}`).getAttribute('href')).resolves.toBe(
      `alert.html?id=${encodeURIComponent(first.id)}`,
    );
    const row = (await api<{ tenant: ConsoleTenant }>('GET', `/console/tenants/${CONTOSO}`)).tenant;
    await expect(page.locator('#allocation-free dd').textContent()).resolves.toBe(
      String(row.allocation!.freeAllocation),
    );
    await expect(page.locator('#allocation-used dd').textContent()).resolves.toBe(
      String(row.allocation!.needed),
    );
    await expect(page.locator('#allocation-to-buy dd').textContent()).resolves.toBe(
      String(row.allocation!.toBuy),
    );
    await page.locator('#subscriptions-table').waitFor(WAIT);

    await page.click('#check-now');
    await page.locator('#check-verdict', { hasText: 'can watch this tenant' }).waitFor(WAIT);
    await expect(
      page.locator('#check-table tr[data-permission="User.Read.All"]').textContent(),
    ).resolves.toMatch(/^ok/);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'tenant');
  });

  it('adds a tenant whose consent lacks a permission: its consent link, the check naming it and the fix; then removes it', async () => {
    harness.demo.simulator.seed({ ...smallTenant(NORTHWIND, 'northwind'), displayName: 'Northwind Traders' });
    harness.demo.simulator.consent.grant(NORTHWIND, { missing: ['AuditLog.Read.All'] });
    await page.goto(`${harness.url}/tenants.html`);
    await page.locator('#tenants-table').waitFor(WAIT);
    await page.fill('#add-tenant', NORTHWIND);
    await page.fill('#add-by', 'Ada Admin');
    await page.click('#add-submit');
    await page.locator('#add-outcome', { hasText: 'pending consent' }).waitFor(WAIT);
    const consent = await page.locator('#add-consent-url').inputValue();
    expect(consent).toContain(`/${NORTHWIND}/v2.0/adminconsent`);
    expect(new URL(consent).searchParams.get('client_id')).toBe(CLIENT_ID);
    await expect(
      page.locator('#check-table tr[data-permission="AuditLog.Read.All"]').textContent(),
    ).resolves.toMatch(/^MISSING/);
    await expect(page.locator('#check-verdict').textContent()).resolves.toContain(
      'missing AuditLog.Read.All',
    );
    await expect(page.locator('#check-fix').textContent()).resolves.toMatch(/^To fix: .*AuditLog\.Read\.All/);
    // The overview lists it at the next read, pending.
    const added = page.locator(`#tenants-table tbody tr[data-tenant-id="${NORTHWIND}"]`);
    await added.locator('a.tenant-name', { hasText: 'Northwind Traders' }).waitFor(WAIT);
    await expect(added.textContent()).resolves.toContain('pending consent');
    expect((await api<{ tenant: TenantView }>('GET', `/tenants/${NORTHWIND}`)).tenant).toMatchObject({
      status: 'pending-consent',
      addedBy: 'Ada Admin',
    });
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'tenant-added');

    // Its Global Administrator consents; "Check now" on its page finds every permission and starts watching it.
    await added.locator('a.tenant-name').click();
    await page.locator('#tenant-facts', { hasText: 'pending consent' }).waitFor(WAIT);
    harness.demo.simulator.consent.grant(NORTHWIND);
    await page.click('#check-now');
    await page.locator('#check-verdict', { hasText: 'can watch this tenant' }).waitFor(WAIT);
    await page.locator('#tenant-facts', { hasText: 'watched' }).waitFor(WAIT);
    expect((await api<{ tenant: TenantView }>('GET', `/tenants/${NORTHWIND}`)).tenant.status).toBe('active');

    // Remove, with a confirmation first (Cancel keeps it).
    await page.click('#remove');
    await page.click('#remove-no');
    expect((await api<{ tenant: TenantView }>('GET', `/tenants/${NORTHWIND}`)).tenant.status).toBe('active');
    await page.click('#remove');
    await page.click('#remove-yes');
    await page.locator('#action-result', { hasText: 'was removed' }).waitFor(WAIT);
    expect((await api<{ tenant: TenantView }>('GET', `/tenants/${NORTHWIND}`)).tenant.status).toBe('removed');
    await page.locator('#tenant-facts', { hasText: 'removed' }).waitFor(WAIT);
  });

  it("adds a Slack channel and routes Contoso's critical alerts to it, never showing the webhook URL", async () => {
    await page.goto(`${harness.url}/channels.html`);
    await page.locator('body[data-loaded=true]').waitFor(WAIT);
    const secretPath = new URL(slack.url).pathname;
    await page.fill('#channel-name', 'contoso-noc');
    await page.selectOption('#channel-kind', 'slack');
    await expect(page.locator('#channel-url').getAttribute('type')).resolves.toBe('password');
    await page.fill('#channel-url', slack.url);
    await page.click('#channel-submit');
    await page.locator('#channel-add-result', { hasText: 'was added' }).waitFor(WAIT);
    const channelRow = page.locator('#channels-table tbody tr[data-channel="contoso-noc"]');
    await channelRow.waitFor(WAIT);
    await expect(channelRow.locator('.channel-target').textContent()).resolves.toBe(new URL(slack.url).host);
    await expect(page.locator('#channel-url').inputValue()).resolves.toBe('');

    await page.click('#test-contoso-noc');
    await page.locator('#channel-result', { hasText: 'Test message sent' }).waitFor(WAIT);
    expect(slack.requests.length).toBeGreaterThan(0);

    const contosoChoice = page.locator('#route-tenants label', { hasText: 'Contoso Ltd' });
    await contosoChoice.waitFor(WAIT);
    await contosoChoice.click();
    await page.uncheck('#route-severity-warning');
    await page.uncheck('#route-severity-info');
    await page.locator('#route-channels label', { hasText: 'contoso-noc' }).click();
    await page.click('#route-submit');
    await page.locator('#route-add-result', { hasText: 'added' }).waitFor(WAIT);
    const routes = await api<{
      routes: Array<{ id: string; tenantIds: string[]; severities: string[]; channels: string[] }>;
    }>('GET', '/routes');
    expect(routes.routes).toEqual([
      expect.objectContaining({ tenantIds: [CONTOSO], severities: ['critical'], channels: ['contoso-noc'] }),
    ]);
    const routeRow = page.locator(`#routes-table tbody tr[data-route-id="${routes.routes[0]!.id}"]`);
    await routeRow.waitFor(WAIT);
    await expect(routeRow.textContent()).resolves.toContain('Contoso Ltd');
    await channelRow.locator('td', { hasText: routes.routes[0]!.id }).waitFor(WAIT);

    // Nowhere on the page, and in no answer the page read: not in the text, not in an attribute, not in a field.
    const html = await page.content();
    expect(html).not.toContain(secretPath);
    expect(html).not.toContain(slack.url);
    expect(JSON.stringify(await api('GET', '/channels'))).not.toContain(secretPath);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'channels');

    // The route works: Contoso's next critical alert (a new resource account without a license) reaches the channel,
    // Fabrikam's does not (no route sends Fabrikam there).
    const before = slack.requests.length;
    harness.demo.simulator.createUser(
      FABRIKAM,
      resourceAccount(
        '0badc0de-0001-4abc-8def-0123456789ab',
        'ra_aa_weekend@standardonra.onmicrosoft.com',
        'Weekend Line',
        'auto-attendant',
        [],
      ),
    );
    harness.demo.simulator.createUser(
      CONTOSO,
      resourceAccount(
        '0badc0de-0000-4abc-8def-0123456789ab',
        'ra_aa_night@removefirst.onmicrosoft.com',
        'Night Line',
        'auto-attendant',
        [],
      ),
    );
    await slack.waitFor(before + 1, 30_000);
    await waitUntilQuiet(harness.app, harness.demo.simulator, 30_000);
    expect(
      slack.requests
        .slice(before)
        .map((r) => slackText(r.body))
        .join('\n'),
    ).toContain('Night Line');
    const weekend = await api<{ alerts: Array<{ finding: { title: string } }> }>(
      'GET',
      `/alerts?state=open&tenantId=${FABRIKAM}&severity=critical`,
    );
    expect(weekend.alerts.map((a) => a.finding.title).join('\n')).toContain('Weekend Line');
    expect(
      slack.requests
        .slice(before)
        .map((r) => slackText(r.body))
        .join('\n'),
    ).not.toContain('Weekend Line');

    // In use: the channel cannot go before its route; then both can.
    await page.click('#delete-contoso-noc');
    await page.locator('#channel-result', { hasText: 'Not deleted' }).waitFor(WAIT);
    await page.click(`#delete-route-${routes.routes[0]!.id}`);
    await routeRow.waitFor({ state: 'detached', ...WAIT });
    await page.click('#delete-contoso-noc');
    await channelRow.waitFor({ state: 'detached', ...WAIT });

    // A signed webhook: its URL and signing secret go in password fields, and only "set" comes back.
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    await page.fill('#channel-name', 'fabrikam-hook');
    await page.selectOption('#channel-kind', 'webhook');
    await expect(page.locator('#channel-secret').getAttribute('type')).resolves.toBe('password');
    await expect(page.locator('#channel-digests').isChecked()).resolves.toBe(false);
    await page.fill('#channel-url', `${slack.url}/hook`);
    await page.fill('#channel-secret', secret);
    await page.click('#channel-submit');
    const hookRow = page.locator('#channels-table tbody tr[data-channel="fabrikam-hook"]');
    await hookRow.waitFor(WAIT);
    await expect(hookRow.textContent()).resolves.toMatch(/Webhook.*set/);
    await expect(page.locator('#channel-secret').inputValue()).resolves.toBe('');
    const after = await page.content();
    expect(after).not.toContain(secret.slice(6, 20));
    expect(after).not.toContain(secretPath);
    await page.click('#delete-fabrikam-hook');
    await hookRow.waitFor({ state: 'detached', ...WAIT });
  });

  it('says the channels API is not available on a server older than it (404), and draws nothing else', async () => {
    // The console is served by ra-watch itself, so page and API come together; this stands in for a page cached
    // from a newer version against an older server.
    await page.route('**/api/channels', (route) =>
      route.fulfill({
        status: 404,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'not-found', message: 'No such route.' } }),
      }),
    );
    try {
      await page.goto(`${harness.url}/channels.html`);
      await page.locator('#channels-api-missing').waitFor(WAIT);
      await expect(page.locator('#channels-api-missing').textContent()).resolves.toContain(
        'channels API is not available on this server',
      );
      await expect(page.locator('#channel-form').isVisible()).resolves.toBe(false);
      await expect(page.locator('#route-form').isVisible()).resolves.toBe(false);
      await expect(page.locator('#status').getAttribute('data-kind')).resolves.toBe('ok');
    } finally {
      await page.unroute('**/api/channels');
    }
  });
});
