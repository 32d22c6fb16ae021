/**
 * The generic webhook's signature: `X-RA-Watch-Signature: sha256=<hex HMAC-SHA256 of the raw body>` with the shared
 * ALERT_WEBHOOK_SECRET, the scheme GitHub and Stripe use, so a ticketing tool can check the message is ours. The
 * receiver must hash the raw bytes, not re-serialised JSON.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-RA-Watch-Signature';

export function signBody(body: string | Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** For receivers (and tests): constant-time comparison of a header value with the expected signature. */
export function verifySignature(body: string | Buffer, secret: string, header: string | undefined): boolean {
  if (header === undefined) return false;
  const expected = Buffer.from(signBody(body, secret));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
