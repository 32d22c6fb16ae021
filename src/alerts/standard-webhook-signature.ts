/**
 * The generic webhook's signature per the Standard Webhooks convention (https://www.standardwebhooks.com/, spec
 * "Signature scheme"), which Svix, Zapier-style receivers and the `standardwebhooks` libraries check:
 *   webhook-id:        the message id, the same on every retry of one message (the receiver's dedupe key);
 *   webhook-timestamp: seconds since the epoch when this attempt was signed (receivers refuse old ones: no replay);
 *   webhook-signature: `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<raw body>">`.
 * The key: a `whsec_<base64>` secret is the base64-decoded bytes (the convention's own form); any other
 * ALERT_WEBHOOK_SECRET is its bytes as written (the libraries' "raw" format).
 */
import { createHmac } from 'node:crypto';

export const STANDARD_HEADERS = {
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
} as const;

const PREFIX = 'whsec_';

/** True for `whsec_<base64>` whose base64 part decodes to something (the config validates with this). */
export function isStandardSecret(secret: string): boolean {
  if (!secret.startsWith(PREFIX)) return false;
  const encoded = secret.slice(PREFIX.length);
  return /^[A-Za-z0-9+/]+={0,2}$/.test(encoded) && encoded.length % 4 === 0;
}

export function signingKey(secret: string): Buffer {
  return isStandardSecret(secret)
    ? Buffer.from(secret.slice(PREFIX.length), 'base64')
    : Buffer.from(secret, 'utf8');
}

/** The three headers for one attempt at sending `body` as message `id`, signed at `at`. */
export function standardWebhookHeaders(
  id: string,
  body: string,
  secret: string,
  at: Date,
): Record<string, string> {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const mac = createHmac('sha256', signingKey(secret)).update(`${id}.${timestamp}.`).update(body);
  return {
    [STANDARD_HEADERS.id]: id,
    [STANDARD_HEADERS.timestamp]: timestamp,
    [STANDARD_HEADERS.signature]: `v1,${mac.digest('base64')}`,
  };
}
