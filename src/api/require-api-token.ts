/**
 * Bearer-token guard for `/api/*`: API_TOKEN, or an Entra ID access token when API_ENTRA_* are set (either passes).
 * API_TOKEN is compared in constant time: the API can trigger audits, replays and deliveries, so a guessable
 * comparison would be a way in. With neither configured the API answers only on loopback, so a demo on a laptop works
 * and an exposed server without a token is not an open door.
 *
 * Refusals say why in the one error shape and in the log (with the request id); the token itself is never logged.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../logger';
import { requestIdOf } from '../http/request-id';
import type { EntraTokenVerifier } from './entra-token';

export interface ApiGuardOptions {
  /** Also accept Entra ID access tokens (API_ENTRA_*). */
  entra?: EntraTokenVerifier | null;
  /** Where refusals are logged (reason only). */
  logger?: Logger;
}

/** What the read-only role may do (CORS preflights never reach here with a token). */
const READ_METHODS = new Set(['GET', 'HEAD']);

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

/** A compact JWS has three dot-separated parts; anything else cannot be an Entra ID token. */
function looksLikeJwt(token: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]*$/.test(token);
}

interface Refusal {
  status: 401 | 403 | 503;
  message: string;
  /** RFC 6750 error code for WWW-Authenticate, when a token was sent. */
  bearerError?: 'invalid_token' | 'insufficient_scope';
  /** The body's error code when the status alone does not say enough (the console explains each differently). */
  code?: string;
}

function deny(res: Response, refusal: Refusal): void {
  const { status, message, bearerError } = refusal;
  if (status !== 503) {
    const detail = bearerError === undefined ? '' : `, error="${bearerError}"`;
    res.setHeader('WWW-Authenticate', `Bearer realm="ra-watch"${detail}`);
  } else {
    res.setHeader('Retry-After', '30');
  }
  const code = refusal.code ?? { 401: 'unauthorized', 403: 'forbidden', 503: 'auth-unavailable' }[status];
  res.status(status).json({ error: { code, message } });
}

export function requireApiToken(
  apiToken: string | null,
  options: ApiGuardOptions = {},
): (req: Request, res: Response, next: NextFunction) => Promise<void> {
  const expected = apiToken === null ? null : digest(apiToken);
  const entra = options.entra ?? null;
  const what = [expected !== null && 'API_TOKEN', entra !== null && 'an Entra ID access token']
    .filter(Boolean)
    .join(' or ');

  const refuse = (
    req: Request,
    res: Response,
    refusal: Refusal,
    reason: string,
    caller: object = {},
  ): void => {
    const line = {
      requestId: requestIdOf(req),
      method: req.method,
      path: req.originalUrl.split('?')[0],
      status: refusal.status,
      reason,
      ...caller,
    };
    // A 403 is a real identity reaching for what it was not granted; 503 is ours to fix; 401s are routine noise.
    if (refusal.status === 401) options.logger?.info(line, 'API request refused');
    else options.logger?.warn(line, 'API request refused');
    deny(res, refusal);
  };

  return async (req, res, next) => {
    if (expected === null && entra === null) {
      if (isLoopback(req.socket.remoteAddress)) return next();
      return deny(res, {
        status: 403,
        code: 'loopback-only',
        message:
          'API_TOKEN is not configured, so the API answers only on loopback. Set API_TOKEN and send "Authorization: Bearer <token>".',
      });
    }
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (match === null) {
      return refuse(
        req,
        res,
        { status: 401, message: `Send "Authorization: Bearer <token>" with ${what}.` },
        'no bearer token',
      );
    }
    const token = match[1]!.trim();
    // Equal-length digests make timingSafeEqual usable whatever the token's length.
    if (expected !== null && timingSafeEqual(digest(token), expected)) return next();
    if (entra === null || !looksLikeJwt(token)) {
      return refuse(
        req,
        res,
        { status: 401, message: 'The bearer token is not valid.', bearerError: 'invalid_token' },
        'not the API token',
      );
    }
    const verdict = await entra.verify(token);
    if (verdict.ok && verdict.access === 'reader' && !READ_METHODS.has(req.method)) {
      return refuse(
        req,
        res,
        {
          status: 403,
          code: 'read-only',
          message: `The token holds the read-only app role "${entra.readerRole ?? ''}": it may read, not ${req.method}. Acknowledging and changing need "${entra.role}".`,
          bearerError: 'insufficient_scope',
        },
        'read-only role',
        verdict.caller,
      );
    }
    if (verdict.ok) {
      options.logger?.debug(
        { requestId: requestIdOf(req), ...verdict.caller },
        'API request authorized by an Entra ID token',
      );
      return next();
    }
    if (verdict.status === 503) {
      return refuse(
        req,
        res,
        {
          status: 503,
          message:
            'Entra ID signing keys are unavailable right now, so the token cannot be checked; try again shortly.',
        },
        verdict.reason,
      );
    }
    if (verdict.status === 403) {
      const message = `The token is valid but ${verdict.reason.replace(/^the token /, '')}.`;
      return refuse(
        req,
        res,
        { status: 403, message, bearerError: 'insufficient_scope' },
        verdict.reason,
        verdict.caller,
      );
    }
    refuse(
      req,
      res,
      {
        status: 401,
        message: `The bearer token is not valid: ${verdict.reason}.`,
        bearerError: 'invalid_token',
      },
      verdict.reason,
    );
  };
}
