/**
 * Security headers on every Express answer (helmet). The Content-Security-Policy fits the web console served at
 * `/`: scripts, styles, images and fetches from this origin only, nothing inline, no framing, so even data that
 * slipped into markup could not run. The API answers JSON and is covered by the same headers for free.
 *
 * One exception, only when configured: the console's "Sign in with Microsoft" redeems its sign-in code at the Entra
 * sign-in host with fetch, so the console's pages may also connect there (`connectSrc`); nothing else loosens.
 */
import helmet from 'helmet';
import type { RequestHandler } from 'express';

export interface SecurityHeadersOptions {
  /** Origins `fetch()` may reach besides this one (e.g. `https://login.microsoftonline.com`). Default: none. */
  connectSrc?: readonly string[];
}

function directives(options: SecurityHeadersOptions): Record<string, string[]> {
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:'],
    'connect-src': ["'self'", ...(options.connectSrc ?? [])],
    'font-src': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    'base-uri': ["'none'"],
    'object-src': ["'none'"],
  };
}

/** The Content-Security-Policy header value securityHeaders() sends, for a router that must widen connect-src. */
export function contentSecurityPolicy(options: SecurityHeadersOptions = {}): string {
  return Object.entries(directives(options))
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join(';');
}

export function securityHeaders(options: SecurityHeadersOptions = {}): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: directives(options) },
    // ra-watch is often reached over plain http (a laptop, a container behind a TLS proxy): HSTS belongs to the TLS
    // terminator in front, which knows whether the whole host is HTTPS.
    strictTransportSecurity: false,
    // Nothing ra-watch serves is meant to be read by another origin.
    crossOriginResourcePolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'no-referrer' },
  });
}
