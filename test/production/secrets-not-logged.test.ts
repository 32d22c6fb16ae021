/**
 * A full demo run at debug level, with every secret configured and in use (the Slack webhook's secret path and the
 * SMTP password are used by real deliveries to local receivers), writes none of the secret values to its log.
 * The demo makes up its own clientState (48 hex characters): no run of 48 hex characters may appear either.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config';
import { runDemo } from '../../src/demo/run-demo';
import { SCENARIOS } from '../../src/graph/simulator/scenarios';
import { createLogger } from '../../src/logger';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver';
import { SLACK_OK } from '../support/slack-receiver';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

jest.setTimeout(180_000);

describe('logs of a full demo run', () => {
  let slack: WebhookReceiver;
  let smtp: SmtpReceiver;
  const slackSecret = `xoxSlackPath${randomBytes(12).toString('hex')}`;
  const smtpPassword = `smtpPw-${randomBytes(12).toString('hex')}`;
  const clientState = `clientState-${randomBytes(12).toString('hex')}`;
  const apiToken = `apiToken-${randomBytes(12).toString('hex')}`;

  beforeAll(async () => {
    slack = await startWebhookReceiver({ path: `/services/T0RAWATCH/B0ALERTS/${slackSecret}`, ok: SLACK_OK });
    smtp = await startSmtpReceiver({ password: smtpPassword });
  });
  afterAll(async () => {
    await slack.close();
    await smtp.close();
  });

  it('contain none of the configured secret values', async () => {
    let log = '';
    const logger = createLogger({
      level: 'debug',
      destination: new Writable({
        write(chunk: Buffer, _encoding, done) {
          log += chunk.toString();
          done();
        },
      }),
    });
    const config = loadConfig({
      CLIENT_STATE: clientState,
      API_TOKEN: apiToken,
      SLACK_WEBHOOK_URL: slack.url,
      SMTP_URL: smtp.url,
      ALERT_EMAIL_FROM: 'ra-watch@contoso.example',
      ALERT_EMAIL_TO: 'teams-admins@contoso.example',
      LOG_LEVEL: 'debug',
    });
    const report = await runDemo({
      scenarios: SCENARIOS.filter((s) => s.number <= 7),
      config,
      logger,
      timeoutMs: 120_000,
    });
    expect(report.passed).toBe(true);

    // The secrets were in use: alerts went out through both sinks, and the log is the whole run's.
    await slack.waitFor(1, 30_000);
    await smtp.waitFor(1, 30_000);
    expect(log).toMatch(/ra-watch started/);
    expect(log).toMatch(/ra-watch stopped/);
    expect(log.split('\n').length).toBeGreaterThan(50);

    for (const secret of [
      slackSecret,
      smtpPassword,
      encodeURIComponent(smtpPassword),
      clientState,
      apiToken,
      slack.url,
      smtp.url,
    ]) {
      expect({ secret, logged: log.includes(secret) }).toEqual({ secret, logged: false });
    }
    expect(log).not.toMatch(/(?<![0-9a-f])[0-9a-f]{48}(?![0-9a-f])/);
  });
});
