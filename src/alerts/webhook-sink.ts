/**
 * A generic JSON webhook for ticketing and PSA tools: the message structure as JSON (the same content every other
 * sink renders), signed when a secret is set, with an `Idempotency-Key` header that is stable across retries so the
 * receiver can drop a second copy.
 */
import type { AlertDigest, AlertMessage } from './alert-message';
import type { AlertSink } from './alert-sink';
import { postJson } from './json-post';
import { SIGNATURE_HEADER, signBody } from './webhook-signature';

/** The body's shape, versioned so receivers can evolve with us. */
export interface WebhookBody {
  schema: 'ra-watch.alert/1';
  idempotencyKey: string;
  message: AlertMessage | AlertDigest;
}

export function createWebhookSink(options: {
  url: string;
  secret: string | null;
  timeoutMs?: number;
}): AlertSink {
  return {
    name: 'webhook',
    async send(message: AlertMessage | AlertDigest, idempotencyKey: string): Promise<void> {
      const body = JSON.stringify({
        schema: 'ra-watch.alert/1',
        idempotencyKey,
        message,
      } satisfies WebhookBody);
      const headers: Record<string, string> = { 'Idempotency-Key': idempotencyKey };
      if (options.secret !== null) headers[SIGNATURE_HEADER] = signBody(body, options.secret);
      await postJson('Webhook', options.url, body, headers, options.timeoutMs ?? 10_000);
    },
  };
}
