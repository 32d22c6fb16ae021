/**
 * "Sign in with Microsoft" in a real headless Chromium: the real app configured with API_ENTRA_* and
 * CONSOLE_ENTRA_CLIENT_ID against a stand-in Entra ID over real HTTP (test/api/entra-stub.ts), which plays an
 * already signed-in user: its authorize endpoint sends the browser straight back with a code, its token endpoint
 * checks the PKCE verifier and answers cross-origin. Nothing in the browser is stubbed: the console's own scripts
 * run the flow under the app's real Content-Security-Policy, and the API checks the token it gets.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { decodeJwt } from 'jose';
import { buildAlertMessage } from '../../src/alerts/alert-message';
import type { Alert } from '../../src/glossary';
import { nonAtomicSwapRemoveFirst } from '../../src/graph/simulator/scenarios/s02-non-atomic-swap-remove-first';
import { contentSecurityPolicy } from '../../src/http/security-headers';
import {
  API_CLIENT_ID,
  CONSOLE_CLIENT_ID,
  expectedConsoleSignIn,
  startEntraStub,
  type EntraStub,
} from '../api/entra-stub';
import {
  screenshot,
  seriousAccessibilityViolations,
  startConsoleHarness,
  type ConsoleHarness,
} from './console-harness';
import { describeWithChromium } from './describe-with-chromium';

jest.setTimeout(120_000);

const WAIT = { timeout: 30_000 };

interface AlertJson {
  id: string;
  ruleId: string;
  acknowledgedBy: string | null;
}

describeWithChromium('the console with Microsoft sign-in', () => {
  let entra: EntraStub;
  let harness: ConsoleHarness;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    entra = await startEntraStub();
    harness = await startConsoleHarness([nonAtomicSwapRemoveFirst], { entra });
  }, 180_000);
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await harness?.stop();
    await entra?.close();
  });
  beforeEach(() => {
    entra.signIn.roles = ['RaWatch.Admin'];
    entra.signIn.authorizeError = null;
    entra.signIn.forgedState = null;
  });

  /** A fresh tab in a fresh browser profile: nothing in sessionStorage. */
  const freshPage = async (): Promise<Page> => {
    const context = await harness.browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    return context.newPage();
  };
  const stored = (page: Page) =>
    page.evaluate<{ token: string | null; session: string | null; pending: string | null }>(
      "({ token: sessionStorage.getItem('ra-watch-api-token'), session: sessionStorage.getItem('ra-watch-api-session'), pending: sessionStorage.getItem('ra-watch-entra-pending') })",
    );
  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${harness.url}/api${path}`, {
      headers: { Authorization: `Bearer ${harness.token}` },
    });
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  };

  it('tells the console how to sign in, uncached, and lets its pages reach the sign-in host and nothing else new', async () => {
    const res = await fetch(`${harness.url}/console/auth.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({
      entra: expectedConsoleSignIn(entra.authorityHost, `${API_CLIENT_ID}/.default`),
    });
    const home = await fetch(`${harness.url}/`);
    expect(home.headers.get('content-security-policy')).toBe(
      contentSecurityPolicy({ connectSrc: [entra.authorityHost] }),
    );
    expect(home.headers.get('content-security-policy')).toContain(
      `connect-src 'self' ${entra.authorityHost};`,
    );
  });

  it('offers Microsoft sign-in beside the token form, accessibly', async () => {
    const page = await freshPage();
    await page.goto(`${harness.url}/`);
    await page.locator('#microsoft-sign-in').waitFor({ state: 'visible', ...WAIT });
    await expect(page.locator('#auth-message').textContent()).resolves.toMatch(
      /Sign in with Microsoft, or with the API token/,
    );
    await expect(page.locator('#token').isVisible()).resolves.toBe(true);
    // The polling loop redraws the panel; the keyboard focus stays on the first control rather than being stolen.
    await expect(page.evaluate<string>('document.activeElement.id')).resolves.toBe('microsoft-sign-in');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'entra-sign-in');
  });

  it('signs in with Microsoft, keeps the token like a pasted one, and shows the overview', async () => {
    const page = await freshPage();
    const redeemedBefore = entra.redeemed;
    await page.goto(`${harness.url}/`);
    await page.click('#microsoft-sign-in');
    await page.locator('#open-alerts-table').waitFor(WAIT);
    await expect(page.locator('#auth').isHidden()).resolves.toBe(true);
    expect(entra.redeemed).toBe(redeemedBefore + 1);
    // The code and state are gone from the address bar.
    expect(page.url()).toBe(`${harness.url}/`);
    const { token, session, pending } = await stored(page);
    expect(pending).toBeNull();
    expect(token).not.toBeNull();
    expect(decodeJwt(token ?? '')).toMatchObject({
      azp: CONSOLE_CLIENT_ID,
      aud: API_CLIENT_ID,
      roles: ['RaWatch.Admin'],
    });
    const expiresAt = (JSON.parse(session ?? '{}') as { source: string; expiresAt: number }).expiresAt;
    expect(JSON.parse(session ?? '{}')).toMatchObject({ source: 'microsoft' });
    const until = new Date(expiresAt).toISOString().slice(11, 16);
    await expect(page.locator('#session-state').textContent()).resolves.toBe(
      `Signed in with Microsoft until ${until} UTC`,
    );
    await screenshot(page, 'entra-overview');
  });

  it('comes back to the page the sign-in started from, and acknowledges an alert with the Microsoft token', async () => {
    const swap = (await api<{ alerts: AlertJson[] }>('/alerts?state=open')).alerts.find(
      (a) => a.ruleId === 'ra.non-atomic-swap',
    );
    if (swap === undefined) throw new Error('the non-atomic swap scenario raised no alert');
    const page = await freshPage();
    await page.goto(`${harness.url}/alert.html?id=${encodeURIComponent(swap.id)}`);
    await page.click('#microsoft-sign-in');
    await page.waitForURL(`${harness.url}/alert.html?id=${encodeURIComponent(swap.id)}`, WAIT);
    await page.locator('#ack-by').waitFor(WAIT);
    expect((await stored(page)).token).not.toBe(harness.token);
    await page.fill('#ack-by', 'Grace Entra');
    await page.fill('#ack-reason', 'Signed in with Microsoft.');
    await page.click('#ack-submit');
    await page.locator('#ack-result', { hasText: 'Acknowledged by Grace Entra' }).waitFor(WAIT);
    await expect(api<AlertJson>(`/alerts/${swap.id}`)).resolves.toMatchObject({
      acknowledgedBy: 'Grace Entra',
    });
  });

  it('opens the "Open in ra-watch" link of an alert message on its page, after signing in (issue 20 item 1)', async () => {
    const swap = (await api<{ alerts: Alert[] }>('/alerts?state=open')).alerts.find(
      (a) => a.ruleId === 'ra.non-atomic-swap',
    );
    if (swap === undefined) throw new Error('the non-atomic swap scenario raised no alert');
    // The link exactly as every channel renders it (Slack, Teams, e-mail, the webhook's JSON).
    const link = buildAlertMessage(swap, 'opened', { publicBaseUrl: harness.url }).link;
    expect(link).toBe(`${harness.url}/alert.html?id=${encodeURIComponent(swap.id)}`);
    const page = await freshPage();
    const answer = await page.goto(link ?? '');
    expect(answer?.status()).toBe(200);
    expect(answer?.headers()['content-type']).toMatch(/text\/html/);
    await page.locator('#microsoft-sign-in').waitFor({ state: 'visible', ...WAIT });
    await page.click('#microsoft-sign-in');
    await page.waitForURL(link ?? '', WAIT);
    await page.locator('#evidence dl').first().waitFor(WAIT);
    await expect(page.locator('h1').textContent()).resolves.toBe(swap.finding.title);
    await expect(page.locator('#auth').isHidden()).resolves.toBe(true);
  });

  it('explains a 403 when the signed-in user lacks the app role', async () => {
    entra.signIn.roles = [];
    const page = await freshPage();
    await page.goto(`${harness.url}/`);
    await page.click('#microsoft-sign-in');
    const message = page.locator('#auth-message', {
      hasText: 'You are signed in with Microsoft, but ra-watch refused',
    });
    await message.waitFor(WAIT);
    await expect(message.textContent()).resolves.toContain('does not hold the app role "RaWatch.Admin"');
    await expect(page.locator('#session-state').textContent()).resolves.toMatch(
      /^Signed in with Microsoft until/,
    );
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'entra-forbidden');
  });

  it('lets a RaWatch.Reader user read the console but not acknowledge, and says why (issue 20 item 8)', async () => {
    entra.signIn.roles = ['RaWatch.Reader'];
    const swap = (await api<{ alerts: AlertJson[] }>('/alerts?state=open')).alerts.find(
      (a) => a.ruleId === 'ra.non-atomic-swap',
    );
    if (swap === undefined) throw new Error('the non-atomic swap scenario raised no alert');
    const page = await freshPage();
    await page.goto(`${harness.url}/alert.html?id=${encodeURIComponent(swap.id)}`);
    await page.click('#microsoft-sign-in');
    await page.locator('#evidence dl').first().waitFor(WAIT);
    await page.fill('#ack-by', 'Rita Reader');
    await page.click('#ack-submit');
    const refused = page.locator('#ack-result', { hasText: 'Not acknowledged' });
    await refused.waitFor(WAIT);
    await expect(refused.textContent()).resolves.toContain('read-only app role "RaWatch.Reader"');
    await expect(api<AlertJson>(`/alerts/${swap.id}`)).resolves.not.toMatchObject({
      acknowledgedBy: 'Rita Reader',
    });
    // Still signed in and reading: the refusal was of the action, not of the session.
    await expect(page.locator('#session-state').textContent()).resolves.toMatch(/^Signed in with Microsoft/);
    await expect(page.locator('#auth').isHidden()).resolves.toBe(true);
  });

  it('refuses an answer whose state is not the one it sent, without redeeming its code or keeping anything', async () => {
    entra.signIn.forgedState = 'state-from-another-tab';
    const requestsBefore = entra.tokenRequests;
    const page = await freshPage();
    await page.goto(`${harness.url}/`);
    await page.click('#microsoft-sign-in');
    await page.locator('#auth-problem', { hasText: 'its state does not match' }).waitFor(WAIT);
    expect(entra.tokenRequests).toBe(requestsBefore);
    expect(await stored(page)).toEqual({ token: null, session: null, pending: null });
    expect(page.url()).toBe(`${harness.url}/`);
    await expect(page.locator('#auth').isVisible()).resolves.toBe(true);
  });

  it("shows Entra's error answer plainly", async () => {
    entra.signIn.authorizeError = {
      error: 'access_denied',
      description: 'AADSTS65004: User declined to consent to access the app.',
    };
    const page = await freshPage();
    await page.goto(`${harness.url}/`);
    await page.click('#microsoft-sign-in');
    const problem = page.locator('#auth-problem', { hasText: 'access_denied' });
    await problem.waitFor(WAIT);
    await expect(problem.textContent()).resolves.toBe(
      'Microsoft sign-in did not complete (access_denied): AADSTS65004: User declined to consent to access the app.',
    );
    expect(await stored(page)).toEqual({ token: null, session: null, pending: null });
    expect(page.url()).toBe(`${harness.url}/`);
  });

  it('asks to sign in again once the Microsoft token has expired, and forgets it', async () => {
    const page = await freshPage();
    await page.goto(`${harness.url}/`);
    await page.click('#microsoft-sign-in');
    await page.locator('#open-alerts-table').waitFor(WAIT);
    // The clock is not waited on: the stored expiry is moved into the past, as an hour later would.
    await page.evaluate(
      "sessionStorage.setItem('ra-watch-api-session', JSON.stringify({ source: 'microsoft', expiresAt: Date.now() - 1000 }))",
    );
    await page.reload();
    await page.locator('#auth-message', { hasText: 'Your Microsoft sign-in expired at' }).waitFor(WAIT);
    expect((await stored(page)).token).toBeNull();
    await expect(page.locator('#microsoft-sign-in').isVisible()).resolves.toBe(true);
  });

  it('asks to sign in again when the API refuses the Microsoft token (401), and forgets it', async () => {
    const page = await freshPage();
    await page.goto(`${harness.url}/`);
    await page.click('#microsoft-sign-in');
    await page.locator('#open-alerts-table').waitFor(WAIT);
    // A token for another API: valid at Entra, refused by ra-watch's audience check.
    const foreign = await entra.mint({ claims: { aud: 'api://another-api', azp: CONSOLE_CLIENT_ID } });
    await page.evaluate(`sessionStorage.setItem('ra-watch-api-token', ${JSON.stringify(foreign)})`);
    await page.reload();
    await page
      .locator('#auth-message', { hasText: 'ra-watch did not accept your Microsoft sign-in' })
      .waitFor(WAIT);
    await expect(page.locator('#auth-message').textContent()).resolves.toContain('not for this API (aud)');
    expect((await stored(page)).token).toBeNull();
  });
});
