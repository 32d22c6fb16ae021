/**
 * Slack through an incoming webhook (`@slack/webhook`). Incoming webhooks take no idempotency key, so a send that
 * Slack accepted but whose answer was lost will post twice on retry: at-least-once is the best Slack allows. The SDK's
 * own retries are off (the outbox retries, durably, honouring Retry-After).
 */
import { IncomingWebhook } from '@slack/webhook';
import type { AlertDigest, AlertMessage } from './alert-message';
import type { AlertSink } from './alert-sink';
import { createDeadlineAgent } from './deadline-agent';
import { httpFailure, networkFailure } from './http-failure';
import { redactSecrets, urlSecrets } from './redact-url';
import { renderSlackAlert, renderSlackDigest } from './render-slack';

interface HttpErrorShape {
  code?: unknown;
  original?: { response?: { status?: unknown; headers?: Record<string, unknown>; data?: unknown } };
}

function header(headers: Record<string, unknown> | undefined, name: string): string | null {
  const value = headers?.[name];
  return typeof value === 'string' ? value : null;
}

/**
 * The SDK's errors hold the axios request config, URL included: build a fresh error from the status alone and never
 * keep the original as `cause`, so the webhook URL cannot reach a log or the outbox. The answer's body is kept for
 * the message, minus anything of the URL a peer (or a proxy in front of it) may echo back.
 */
export function slackFailure(error: unknown, webhookUrl = ''): Error {
  const shape = (typeof error === 'object' && error !== null ? error : {}) as HttpErrorShape;
  const response = shape.original?.response;
  if (shape.code === 'slack_webhook_http_error' && typeof response?.status === 'number') {
    const body =
      typeof response.data === 'string' ? redactSecrets(response.data, urlSecrets(webhookUrl)) : '';
    return httpFailure('Slack', response.status, header(response.headers, 'retry-after'), body);
  }
  const original = (shape as { original?: unknown }).original;
  return networkFailure('Slack', original ?? error);
}

export function createSlackSink(options: { webhookUrl: string; timeoutMs?: number }): AlertSink {
  // No `timeout` option: the SDK would post it to Slack as a field of every message (see deadline-agent.ts).
  const agent = createDeadlineAgent(options.webhookUrl, options.timeoutMs ?? 10_000);
  const webhook = new IncomingWebhook(options.webhookUrl, { agent });
  return {
    name: 'slack',
    async send(message: AlertMessage | AlertDigest): Promise<void> {
      const payload = message.type === 'digest' ? renderSlackDigest(message) : renderSlackAlert(message);
      try {
        await webhook.send(payload);
      } catch (error) {
        throw slackFailure(error, options.webhookUrl);
      }
    },
  };
}
