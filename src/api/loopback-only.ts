/**
 * The API's loopback-only mode (no API_TOKEN, no Entra ID): what a request must look like to be let through. The
 * socket address alone is not enough (issue 18):
 * - a page on another site can reach 127.0.0.1 from the admin's browser, by DNS rebinding (its own name resolving to
 *   127.0.0.1: the Host header still carries that name) or by a plain cross-site form or fetch (the browser sends
 *   its Origin). So the Host must be a loopback name and any Origin must be this very host.
 * - a form can post `text/plain` or `application/x-www-form-urlencoded` without a CORS preflight, never
 *   `application/json`: so a write with a body must be JSON.
 * - a reverse proxy on the same machine makes every caller look like 127.0.0.1: a request that carries the common
 *   forwarding headers came through one, and behind a proxy the API needs a token.
 */
import type { IncomingMessage } from 'node:http';

export type LoopbackVerdict =
  { ok: true } | { ok: false; status: 403 | 415; code: string; reason: string; message: string };

const PROXY_HEADERS = ['x-forwarded-for', 'x-forwarded-host', 'forwarded', 'x-real-ip'] as const;
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** `localhost`, `127.0.0.1` or `[::1]`, each with an optional port. */
const LOOPBACK_HOST = /^(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/i;

const NEEDS_TOKEN =
  'Set API_TOKEN and send "Authorization: Bearer <token>" (behind a reverse proxy a token is required).';

export function isLoopbackAddress(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

function refused(reason: string, message: string, status: 403 | 415 = 403): LoopbackVerdict {
  return {
    ok: false,
    status,
    code: status === 415 ? 'unsupported-media-type' : 'loopback-only',
    reason,
    message,
  };
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && Number(length) !== 0);
}

export function judgeLoopbackRequest(req: IncomingMessage): LoopbackVerdict {
  if (!isLoopbackAddress(req.socket.remoteAddress)) {
    return refused(
      'not a loopback caller',
      `API_TOKEN is not configured, so the API answers only on loopback. ${NEEDS_TOKEN}`,
    );
  }
  const forwarded = PROXY_HEADERS.find((name) => req.headers[name] !== undefined);
  if (forwarded !== undefined) {
    return refused(
      `proxy header ${forwarded}`,
      `The request came through a proxy (it carries ${forwarded}), so loopback-only mode cannot tell who sent it. ${NEEDS_TOKEN}`,
    );
  }
  const host = req.headers.host ?? '';
  if (!LOOPBACK_HOST.test(host)) {
    return refused(
      'not a loopback Host',
      `Without API_TOKEN the API answers only to a loopback Host (localhost, 127.0.0.1 or [::1]), not ${JSON.stringify(host.slice(0, 100))}. ${NEEDS_TOKEN}`,
    );
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !sameHostOrigin(origin, host)) {
    return refused(
      'foreign Origin',
      `Without API_TOKEN the API answers only to pages of its own origin, not ${JSON.stringify(origin.slice(0, 100))}. ${NEEDS_TOKEN}`,
    );
  }
  if (WRITE_METHODS.has(req.method ?? '') && hasBody(req)) {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') {
      return refused(
        'write without application/json',
        `A ${req.method ?? 'write'} body must be sent as "Content-Type: application/json".`,
        415,
      );
    }
  }
  return { ok: true };
}

/** An Origin (`scheme://host[:port]`) naming exactly the Host the request was sent to. */
function sameHostOrigin(origin: string, host: string): boolean {
  const match = /^https?:\/\/([^/]+)$/i.exec(origin);
  return match !== null && match[1]!.toLowerCase() === host.toLowerCase();
}
