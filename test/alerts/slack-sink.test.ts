import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { PermanentError, RetryLaterError } from '../../src/errors';
import { buildAlertMessage } from '../../src/alerts/alert-message';
import { createSlackSink } from '../../src/alerts/slack-sink';
import {
  SLACK_RATE_LIMITED,
  SLACK_SERVER_ERROR,
  slackText,
  startSlackReceiver,
  type SlackBody,
} from '../support/slack-receiver';
import type { WebhookReceiver } from '../support/webhook-receiver';
import { RA_UPN, RA_USER_ID, alertOf, swapFinding } from './alert-fixtures';

describe('Slack sink (real @slack/webhook POSTs to a local Slack stand-in)', () => {
  let slack: WebhookReceiver;
  beforeEach(async () => {
    slack = await startSlackReceiver();
  });
  afterEach(async () => {
    await slack.close();
  });

  const opened = () =>
    buildAlertMessage(alertOf(swapFinding()), 'opened', { publicBaseUrl: 'https://ra-watch.contoso.com' });

  it('posts a Block Kit message with severity, rule, account, audit activities, why and numbered remediation', async () => {
    const sink = createSlackSink({ webhookUrl: slack.url });
    await sink.send(opened(), 'key-1');

    const [request] = await slack.waitFor(1);
    const body = request!.body as SlackBody;
    expect(body.blocks[0]).toMatchObject({ type: 'header' });
    expect(body.blocks[0]!.text!.text).toContain('[critical] Non-atomic license swap');
    const text = slackText(body);
    expect(text).toContain('AA Reception');
    expect(text).toContain(RA_UPN);
    expect(text).toContain(RA_USER_ID);
    // Both audit activities with their times and what they did.
    expect(text).toContain('2025-03-04 10:00:00 UTC: removed Teams Phone Standard');
    expect(text).toContain('2025-03-04 10:01:00 UTC: added the Teams Phone Resource Account license');
    expect(text).toContain('*Why it matters*');
    expect(text).toMatch(/\*How to fix\*\n1\. Test the auto attendant or call queue now/);
    expect(text).toMatch(/\n2\. If it misbehaves, Microsoft recommends replacing the account/);
    expect(text).toContain('<https://ra-watch.contoso.com/alert.html?id=alert-0001|Open in ra-watch>');
    expect(body.text).toContain('Non-atomic license swap');
  });

  it('says a resolved alert is resolved and names the original alert', async () => {
    const sink = createSlackSink({ webhookUrl: slack.url });
    const alert = alertOf(swapFinding(), {
      state: 'resolved',
      resolvedAt: '2025-03-05T08:00:00.000Z',
      seenCount: 3,
    });
    await sink.send(buildAlertMessage(alert, 'resolved', { publicBaseUrl: null }), 'key-2');

    const [request] = await slack.waitFor(1);
    const text = slackText(request!.body);
    expect(text).toContain('Resolved: Non-atomic license swap');
    expect(text).toContain('This closes alert alert-0001');
    expect(text).toContain('opened at 2025-03-04T11:00:00.000Z');
    expect(text).not.toContain('How to fix');
  });

  it('turns 429 with Retry-After into RetryLaterError carrying that delay', async () => {
    slack.script.push(SLACK_RATE_LIMITED(7));
    const error = await createSlackSink({ webhookUrl: slack.url })
      .send(opened(), 'k')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryLaterError);
    expect((error as RetryLaterError).delayMs).toBe(7000);
  });

  it('treats 500 as retryable and a 404 (webhook removed) as permanent; neither error names the URL', async () => {
    slack.script.push(SLACK_SERVER_ERROR, { status: 404, body: 'no_service' });
    const sink = createSlackSink({ webhookUrl: slack.url });
    const first = await sink.send(opened(), 'k').catch((e: unknown) => e);
    const second = await sink.send(opened(), 'k').catch((e: unknown) => e);
    expect(first).toBeInstanceOf(RetryLaterError);
    expect(second).toBeInstanceOf(PermanentError);
    for (const error of [first, second]) {
      expect(
        JSON.stringify({ message: (error as Error).message, cause: String((error as Error).cause) }),
      ).not.toContain('s3cr3tWebhookToken');
    }
  });

  it('reports a Slack that cannot be reached as retryable, without the URL', async () => {
    const url = slack.url;
    await slack.close();
    const error = await createSlackSink({ webhookUrl: url })
      .send(opened(), 'k')
      .catch((e: unknown) => e);
    slack = await startSlackReceiver(); // for afterEach
    expect(error).toBeInstanceOf(RetryLaterError);
    expect((error as Error).message).toContain('could not be reached');
    expect((error as Error).message).not.toContain('s3cr3tWebhookToken');
  });

  it('posts only Slack fields (no `timeout` from the SDK options) and still gives up on a Slack that never answers', async () => {
    await createSlackSink({ webhookUrl: slack.url, timeoutMs: 5_000 }).send(opened(), 'k');
    const [request] = await slack.waitFor(1);
    expect(Object.keys(request!.body as object).sort()).toEqual(['blocks', 'text']);

    // A peer that accepts the connection and the request, then says nothing.
    const sockets: Socket[] = [];
    const silent = createServer((socket) => {
      sockets.push(socket);
      socket.resume();
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const error = await createSlackSink({
        webhookUrl: `http://127.0.0.1:${port}/services/T0/B0/s3cr3tWebhookToken`,
        timeoutMs: 300,
      })
        .send(opened(), 'k')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RetryLaterError);
      expect((error as Error).message).toBe('Slack could not be reached (ETIMEDOUT)');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
