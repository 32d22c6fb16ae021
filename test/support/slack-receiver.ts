/**
 * A local stand-in for a Slack incoming webhook: same URL shape (`/services/T.../B.../secret`), answers `ok` as text
 * like Slack does, and can be scripted to answer 429 with Retry-After, 500, or the 4xx Slack uses for a bad payload
 * (`invalid_blocks`) or a removed webhook (404 `no_service`).
 */
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver';

export const SLACK_OK = { status: 200, headers: { 'content-type': 'text/html' }, body: 'ok' };
export const SLACK_RATE_LIMITED = (retryAfterSeconds: number) => ({
  status: 429,
  headers: { 'retry-after': String(retryAfterSeconds), 'content-type': 'text/html' },
  body: 'rate_limited',
});
export const SLACK_SERVER_ERROR = {
  status: 500,
  headers: { 'content-type': 'text/html' },
  body: 'internal_error',
};

export function startSlackReceiver(): Promise<WebhookReceiver> {
  return startWebhookReceiver({ path: '/services/T0RAWATCH/B0ALERTS/s3cr3tWebhookToken', ok: SLACK_OK });
}

/** The Block Kit blocks of a received Slack message (loosely typed: tests read them). */
export interface SlackBody {
  text: string;
  blocks: Array<{
    type: string;
    text?: { text: string };
    fields?: Array<{ text: string }>;
    elements?: Array<{ text: string }>;
  }>;
}

/** Every piece of text in a Slack message, joined: what a person would read. */
export function slackText(body: unknown): string {
  const message = body as SlackBody;
  return message.blocks
    .flatMap((block) => [
      block.text?.text,
      ...(block.fields ?? []).map((f) => f.text),
      ...(block.elements ?? []).map((e) => e.text),
    ])
    .filter((t): t is string => typeof t === 'string')
    .join('\n');
}
