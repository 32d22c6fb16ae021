/**
 * Bearer-token guard for `/api/*` (API_TOKEN). Compared in constant time: the API can trigger audits, replays and
 * deliveries, so a guessable comparison would be a way in. With no API_TOKEN configured the API answers only on
 * loopback, so a demo on a laptop works and an exposed server without a token is not an open door.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

function deny(res: Response, status: 401 | 403, message: string): void {
  if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="ra-watch"');
  res.status(status).json({ error: { code: status === 401 ? 'unauthorized' : 'forbidden', message } });
}

export function requireApiToken(apiToken: string | null): (req: Request, res: Response, next: NextFunction) => void {
  const expected = apiToken === null ? null : digest(apiToken);
  return (req, res, next) => {
    if (expected === null) {
      if (isLoopback(req.socket.remoteAddress)) return next();
      return deny(res, 403, 'API_TOKEN is not configured, so the API answers only on loopback. Set API_TOKEN and send "Authorization: Bearer <token>".');
    }
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (match === null) return deny(res, 401, 'Send "Authorization: Bearer <API_TOKEN>".');
    // Equal-length digests make timingSafeEqual usable whatever the token's length.
    if (!timingSafeEqual(digest(match[1]!.trim()), expected)) return deny(res, 401, 'The bearer token is not valid.');
    next();
  };
}
