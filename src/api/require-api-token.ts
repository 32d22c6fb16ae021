/**
 * Bearer-token guard for `/api/*`: API_TOKEN, or an Entra ID access token when API_ENTRA_* are set (either passes).
 * API_TOKEN is compared in constant time: the API can trigger audits, replays and deliveries, so a guessable
 * comparison would be a way in. With neither configured the API answers only on loopback (loopback-only.ts: a
 * loopback address, Host and Origin, JSON writes, no proxy), so a demo on a laptop works and an exposed server
 * without a token is not an open door.
 *
 * Refusals say why in the one error shape and in the log (with the request id); the token itself is never logged.
 * Failed attempts are limited per source address (auth-failure-limit.ts) and their log lines sampled, so a flood of
 * guesses gets 429s and writes a few lines with a count rather than one line per guess.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../logger';
import { requestIdOf } from '../http/request-id';
import { createSampledLog, type SampledLogOptions } from '../http/sampled-log';
import { createAuthFailureLimit, type AuthFailureLimitOptions } from './auth-failure-limit';
import type { EntraTokenVerifier } from './entra-token';
import { judgeLoopbackRequest } from './loopback-only';

export interface ApiGuardOptions {
  /** Also accept Entra ID access tokens (API_ENTRA_*). */
  entra?: EntraTokenVerifier | null;
  /** Where refusals are logged (reason only). */
  logger?: Logger;
  /** The per-address limit on failed attempts (defaults: AUTH_FAILURE_DEFAULTS). */
  failureLimit?: AuthFailureLimitOptions;
  /** The sampling of refusal log lines (defaults: the first 20, then one a second). */
  refusalLog?: SampledLogOptions;
}

/** What the read-only role may do (CORS preflights never reach here with a token). */
const READ_METHODS = new Set(['GET', 'HEAD']);

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** A compact JWS has three dot-separated parts; anything else cannot be an Entra ID token. */
function looksLikeJwt(token: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]*$/.test(token);
}

interface Refusal {
  status: 401 | 403 | 415 | 429 | 503;
  message: string;
  /** RFC 6750 error code for WWW-Authenticate, when a token was sent. */
  bearerError?: 'invalid_token' | 'insufficient_scope';
  /** The body's error code when the status alone does not say enough (the console explains each differently). */
  code?: string;
  retryAfterSeconds?: number;
}

const CODE_BY_STATUS = {
  401: 'unauthorized',
  403: 'forbidden',
  415: 'unsupported-media-type',
  429: 'too-many-requests',
  503: 'auth-unavailable',
} as const;

function deny(res: Response, refusal: Refusal): void {
  const { status, message, bearerError } = refusal;
  if (status === 503) res.setHeader('Retry-After', '30');
  else if (status === 429) res.setHeader('Retry-After', String(refusal.retryAfterSeconds ?? 1));
  else if (status !== 415) {
    const detail = bearerError === undefined ? '' : `, error="${bearerError}"`;
    res.setHeader('WWW-Authenticate', `Bearer realm="ra-watch"${detail}`);
  }
  const code = refusal.code ?? CODE_BY_STATUS[status];
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
  const failures = createAuthFailureLimit(options.failureLimit);
  const sampled = createSampledLog(options.refusalLog);
  const sourceOf = (req: Request): string => req.socket.remoteAddress ?? 'unknown';

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
      source: sourceOf(req),
      ...caller,
    };
    // Ours to fix, not the caller's: neither charged nor sampled away.
    if (refusal.status === 503) {
      options.logger?.warn(line, 'API request refused');
      return deny(res, refusal);
    }
    if (refusal.status !== 429) failures.fail(sourceOf(req));
    // A 403 is a real identity reaching for what it was not granted; 401s and 429s are routine noise.
    sampled((suppressed) => {
      const sampledLine = suppressed > 0 ? { ...line, suppressed } : line;
      if (refusal.bearerError === 'insufficient_scope')
        options.logger?.warn(sampledLine, 'API request refused');
      else options.logger?.info(sampledLine, 'API request refused');
    });
    deny(res, refusal);
  };

  return async (req, res, next) => {
    const wait = failures.blocked(sourceOf(req));
    if (wait !== null) {
      return refuse(
        req,
        res,
        {
          status: 429,
          message: `Too many failed authentications from this address; retry in ${wait} s.`,
          retryAfterSeconds: wait,
        },
        'too many failed authentications',
      );
    }
    if (expected === null && entra === null) {
      const verdict = judgeLoopbackRequest(req);
      if (verdict.ok) return next();
      return refuse(
        req,
        res,
        { status: verdict.status, code: verdict.code, message: verdict.message },
        verdict.reason,
      );
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
