/**
 * The small hardening items of issue 18 (item 8), through the composed app on real sockets and the config loader:
 * `/api/*` answers are never cached, METRICS_TOKEN guards /metrics on either port, and the URLs that carry a secret
 * (sinks, the Entra sign-in host) must be https except to a loopback host.
 */
import { startApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/logger';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { problemsOf } from '../support/config-problems';

const METRICS_TOKEN = 'metrics-scraper-token-0123456789';

describe.each([
  ['on PORT', {}],
  ['on METRICS_PORT', { METRICS_PORT: '0' }],
])('the app with METRICS_TOKEN, /metrics %s', (_where, extra: Record<string, string>) => {
  let db: TestDatabase;
  let app: App;
  let metricsUrl: string;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    const config = loadConfig({
      DATABASE_URL: db.url,
      PORT: '0',
      HOST: '127.0.0.1',
      METRICS_TOKEN,
      ...extra,
    });
    app = await startApp({ config, logger: silentLogger(), background: false });
    metricsUrl = `${app.metricsUrl ?? app.url!}/metrics`;
  });
  afterAll(async () => {
    await app.stop();
    await db.drop();
  });

  it.each([
    ['no token', {}],
    ['a wrong token', { Authorization: 'Bearer not-the-metrics-token' }],
    ['another scheme', { Authorization: `Basic ${METRICS_TOKEN}` }],
  ])('refuses %s with 401 and no series', async (_what, headers: Record<string, string>) => {
    const res = await fetch(metricsUrl, { headers });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await res.text()).not.toMatch(/ra_watch_/);
  });

  it('serves the series with the token', async () => {
    const res = await fetch(metricsUrl, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/^# TYPE ra_watch_queue_depth gauge$/m);
  });

  it('sends Cache-Control: no-store on /api/*, refusals included', async () => {
    const ok = await fetch(`${app.url!}/api/alerts`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toBe('no-store');
    const refused = await fetch(`${app.url!}/api/alerts`, { headers: { Origin: 'http://evil.example' } });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('cache-control')).toBe('no-store');
    const missing = await fetch(`${app.url!}/api/no-such-thing`);
    expect(missing.headers.get('cache-control')).toBe('no-store');
  });
});

describe('URLs that carry a secret', () => {
  it.each([
    ['SLACK_WEBHOOK_URL', 'http://hooks.slack.com/services/T0/B0/X'],
    ['TEAMS_WEBHOOK_URL', 'http://prod-00.westus.logic.azure.com/workflows/x'],
    ['ALERT_WEBHOOK_URL', 'http://psa.contoso.com/hooks/ra-watch'],
    ['AZURE_AUTHORITY_HOST', 'http://login.microsoftonline.us'],
    ['ALERT_WEBHOOK_URL', 'http://127.0.0.1.evil.example/hook'],
  ])('refuse %s=%s (plain http off this machine)', (name, value) => {
    const problems = problemsOf({ [name]: value });
    expect(problems.some((p) => p.startsWith(`${name}=`) && p.includes('must be https://'))).toBe(true);
    // A secret URL's value is never echoed.
    if (name !== 'AZURE_AUTHORITY_HOST') expect(problems.join('\n')).not.toContain(value);
  });

  it.each([
    ['SLACK_WEBHOOK_URL', 'http://127.0.0.1:4000/slack'],
    ['TEAMS_WEBHOOK_URL', 'http://localhost:4000/teams'],
    ['ALERT_WEBHOOK_URL', 'http://[::1]:4000/hook'],
    ['AZURE_AUTHORITY_HOST', 'http://127.0.0.1:4001'],
    ['SLACK_WEBHOOK_URL', 'https://hooks.slack.com/services/T0/B0/X'],
  ])('accept %s=%s (https, or a loopback receiver)', (name, value) => {
    expect(() => loadConfig({ [name]: value })).not.toThrow();
  });
});
