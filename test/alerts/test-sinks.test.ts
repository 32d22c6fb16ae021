import { createLogSink } from '../../src/alerts/log-sink';
import { createSinks } from '../../src/alerts/sinks-from-config';
import { createSlackSink } from '../../src/alerts/slack-sink';
import { createWebhookSink } from '../../src/alerts/webhook-sink';
import { testSinks } from '../../src/alerts/test-sinks';
import { slackText, startSlackReceiver } from '../support/slack-receiver';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { captureLog } from './dispatch-harness';

describe('test-sinks: a test message to every configured sink, one result each', () => {
  let slack: WebhookReceiver;
  let hook: WebhookReceiver;
  beforeEach(async () => {
    slack = await startSlackReceiver();
    hook = await startWebhookReceiver({ path: '/hooks/ra?token=tok3n-XYZ' });
  });
  afterEach(async () => {
    await slack.close();
    await hook.close();
  });

  it('reports each sink: delivered, or the error without the URL', async () => {
    hook.fallback = { status: 401, body: 'bad token' };
    const log = captureLog();
    const sinks = new Map([
      ['slack', createSlackSink({ webhookUrl: slack.url })],
      ['webhook', createWebhookSink({ url: hook.url, secret: null })],
      ['log', createLogSink(log.logger)],
    ]);
    const results = await testSinks(sinks, () => new Date('2025-03-04T12:00:00Z'));

    expect(results).toEqual([
      { sink: 'slack', ok: true },
      { sink: 'webhook', ok: false, error: expect.stringContaining('401') as unknown },
      { sink: 'log', ok: true },
    ]);
    expect(JSON.stringify(results)).not.toContain('tok3n-XYZ');
    expect(slackText(slack.requests[0]!.body)).toContain('ra-watch can deliver alerts to this channel');
    expect(log.text()).toContain('"event":"alert.test"');
  });

  it('builds exactly the configured sinks from config, log always, and never logs their URLs', async () => {
    const log = captureLog();
    const sinks = createSinks(
      {
        slackWebhookUrl: slack.url,
        teamsWebhookUrl: null,
        alertWebhook: { url: hook.url, secret: 'a-secret-of-16-chars', digests: false },
        email: null,
      },
      log.logger,
    );
    expect([...sinks.keys()]).toEqual(['slack', 'webhook', 'log']);
    hook.fallback = { status: 503, headers: { 'retry-after': '5' } };
    await testSinks(sinks);
    expect(log.text()).not.toContain('s3cr3tWebhookToken');
    expect(log.text()).not.toContain('tok3n-XYZ');
    expect(log.text()).not.toContain('a-secret-of-16-chars');
    for (const sink of sinks.values()) sink.close?.();
  });
});
