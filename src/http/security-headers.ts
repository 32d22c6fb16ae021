/**
 * Security headers on every Express answer (helmet). The Content-Security-Policy fits the web console served at
 * `/`: scripts, styles, images and fetches from this origin only, nothing inline, no framing, so even data that
 * slipped into markup could not run. The API answers JSON and is covered by the same headers for free.
 */
import helmet from 'helmet';
import type { RequestHandler } from 'express';

export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    },
    // ra-watch is often reached over plain http (a laptop, a container behind a TLS proxy): HSTS belongs to the TLS
    // terminator in front, which knows whether the whole host is HTTPS.
    strictTransportSecurity: false,
    // Nothing ra-watch serves is meant to be read by another origin.
    crossOriginResourcePolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'no-referrer' },
  });
}
