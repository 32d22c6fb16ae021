/**
 * Graph's validation handshake (graph-samples/validation-request.md): before creating a subscription, Graph POSTs to
 * the notification and lifecycle URLs with `?validationToken=<url-encoded token>` and an empty body, and expects
 * within 10 s: 200, text/plain, the token URL-decoded, nothing else. The token is opaque: echoed, never parsed.
 * GET is answered the same way (some tools probe with GET); Graph itself uses POST.
 */
import type { ServerResponse } from 'node:http';

/** The decoded token, or null when the query has none. `+` decodes to a space, as Graph's encoding expects. */
export function validationTokenOf(query: string): string | null {
  if (!query.includes('validationToken')) return null;
  return new URLSearchParams(query).get('validationToken');
}

export function answerValidation(res: ServerResponse, token: string): void {
  const body = Buffer.from(token, 'utf8');
  res.writeHead(200, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': body.length,
    // The token is echoed: make sure no browser ever renders it as anything but text.
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
  });
  res.end(body);
}
