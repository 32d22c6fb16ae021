/**
 * `ra-watch alerts test-sinks` prints each sink's error, and peers (or the proxies in front of them) like to echo the
 * request they could not route: "no route for POST /workflows/…/invoke?sig=…". That is the secret half of a webhook
 * URL without its scheme and host, so URL redaction alone misses it. Real receivers that echo their request path
 * and query into a 4xx body; the CLI runs in-process with the URLs in its environment, as a user would set them.
 */
import { runCli } from '../../src/cli/main';
import { captureOutput } from '../support/captured-output';
import { startSlackReceiver } from '../support/slack-receiver';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

const ENV_NAMES = [
  'SLACK_WEBHOOK_URL',
  'TEAMS_WEBHOOK_URL',
  'ALERT_WEBHOOK_URL',
  'ALERT_WEBHOOK_SECRET',
  'LOG_LEVEL',
];

describe('alerts test-sinks never prints a configured URL, not even the path and query a peer echoes', () => {
  const saved = new Map<string, string | undefined>();
  let slack: WebhookReceiver;
  let teams: WebhookReceiver;
  let hook: WebhookReceiver;

  beforeEach(async () => {
    for (const name of ENV_NAMES) saved.set(name, process.env[name]);
    for (const name of ENV_NAMES) delete process.env[name];
    slack = await startSlackReceiver();
    teams = await startWebhookReceiver({
      path: '/workflows/7f3c9a1e55d04b2e9f0a6c1d2e3f4a5b/triggers/manual/paths/invoke?api-version=1&sig=SIGsecret123xyz',
    });
    hook = await startWebhookReceiver({ path: '/hooks/ra?token=tok3n-XYZ-42' });
    slack.fallback = { status: 404, body: (path) => `no_service for ${path}` };
    teams.fallback = {
      status: 404,
      body: (path) =>
        `{"error":{"code":"TriggerNotFound","message":"no route for POST ${path}; signature ${new URL(path, 'http://x').searchParams.get('sig') ?? ''} is not valid"}}`,
    };
    hook.fallback = { status: 401, body: (path) => `bad token in ${decodeURIComponent(path)}` };
    process.env.SLACK_WEBHOOK_URL = slack.url;
    process.env.TEAMS_WEBHOOK_URL = teams.url;
    process.env.ALERT_WEBHOOK_URL = hook.url;
    process.env.LOG_LEVEL = 'silent';
  });
  afterEach(async () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await Promise.all([slack.close(), teams.close(), hook.close()]);
  });

  it('in human and in JSON output', async () => {
    for (const args of [
      ['alerts', 'test-sinks'],
      ['alerts', 'test-sinks', '--json'],
    ]) {
      const out = captureOutput();
      expect(await runCli(args, out)).toBe(1);
      const printed = [out.stdout(), JSON.stringify(out.documents), out.errors.join('\n')].join('\n');
      // The peers did echo (so this test can fail), and each failure is still reported with its status.
      expect(printed).toMatch(/Slack refused the message with 404/);
      expect(printed).toMatch(/Teams refused the message with 404/);
      expect(printed).toMatch(/Webhook refused the message with 401/);
      for (const secret of [
        's3cr3tWebhookToken',
        '/services/T0RAWATCH',
        '7f3c9a1e55d04b2e9f0a6c1d2e3f4a5b',
        '/workflows/',
        'sig=SIG',
        'SIGsecret123xyz',
        'tok3n-XYZ-42',
        '/hooks/ra',
      ]) {
        expect(printed).not.toContain(secret);
      }
    }
    expect(teams.requests.length).toBe(2);
  });
});
