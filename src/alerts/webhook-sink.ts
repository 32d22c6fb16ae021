/**
 * A generic JSON webhook for ticketing and PSA tools: the message structure as JSON (the same content every other
 * sink renders), one event per alert unless digests are asked for (ALERT_WEBHOOK_DIGESTS: a ticketing tool makes
 * one ticket per event, and a summary of twenty alerts would be one ticket for twenty problems), with an
 * `Idempotency-Key` header that is stable across retries so the receiver can drop a second copy.
 *
 * With a secret, each attempt is signed twice: the Standard Webhooks headers (standard-webhook-signature.ts; the
 * timestamp lets the receiver refuse a replayed request) and, kept for receivers written against earlier versions,
 * `X-RA-Watch-Signature: sha256=<hex>` of the body alone (webhook-signature.ts).
 */
import type { AlertDigest, AlertMessage } from './alert-message';
import type { AlertSink } from './alert-sink';
import { postJson } from './json-post';
import { standardWebhookHeaders } from './standard-webhook-signature';
import { SIGNATURE_HEADER, signBody } from './webhook-signature';

/** The body's shape, versioned so receivers can evolve with us. */
export interface WebhookBody {
  schema: 'ra-watch.alert/1';
  idempotencyKey: string;
  message: AlertMessage | AlertDigest;
}

export interface WebhookSinkOptions {
  url: string;
  secret: string | null;
  /** Also take burst summaries and the daily digest (default: one event per alert only). */
  digests?: boolean;
  timeoutMs?: number;
  /** The signing time (tests pin it to check a stale timestamp is refused). */
  now?: () => Date;
}

export function createWebhookSink(options: WebhookSinkOptions): AlertSink {
  const now = options.now ?? (() => new Date());
  return {
    name: 'webhook',
    digests: options.digests ?? false,
    async send(message: AlertMessage | AlertDigest, idempotencyKey: string): Promise<void> {
      const body = JSON.stringify({
        schema: 'ra-watch.alert/1',
        idempotencyKey,
        message,
      } satisfies WebhookBody);
      const headers: Record<string, string> = { 'Idempotency-Key': idempotencyKey };
      if (options.secret !== null) {
        Object.assign(headers, standardWebhookHeaders(idempotencyKey, body, options.secret, now()));
        headers[SIGNATURE_HEADER] = signBody(body, options.secret);
      }
      await postJson('Webhook', options.url, body, headers, options.timeoutMs ?? 10_000);
    },
  };
}
