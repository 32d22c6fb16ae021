/**
 * One id per HTTP request, echoed in `X-Request-Id`, put into every error answer and the error log, so an operator
 * can match what a caller saw with what ra-watch logged. A caller's own id (a proxy's, Azure Front Door's) is kept
 * when it is sane: short and of safe characters only, because it ends up in logs and headers and must not be a way
 * to inject either.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';

export const REQUEST_ID_HEADER = 'X-Request-Id';

const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const ids = new WeakMap<IncomingMessage, string>();

/** The request's id: assigned (and set on the response) the first time, the same afterwards. */
export function assignRequestId(req: IncomingMessage, res: ServerResponse): string {
  const known = ids.get(req);
  if (known !== undefined) return known;
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && SANE_ID.test(given) ? given : randomUUID();
  ids.set(req, id);
  if (!res.headersSent) res.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

/** The id assigned to this request, or null when none was (a request that never went through assignRequestId). */
export function requestIdOf(req: IncomingMessage): string | null {
  return ids.get(req) ?? null;
}

interface ErrorShape {
  error: Record<string, unknown>;
}

function isErrorBody(body: unknown): body is ErrorShape {
  return (
    typeof body === 'object' &&
    body !== null &&
    'error' in body &&
    typeof body.error === 'object' &&
    body.error !== null
  );
}

/**
 * Express middleware: assigns the id and adds it to every `{"error":{...}}` JSON answer, whichever router wrote it
 * (the API's own 400/401/404 included), so no router has to remember to.
 */
export function requestIds(): RequestHandler {
  return (req, res, next) => {
    const id = assignRequestId(req, res);
    const json = res.json.bind(res);
    res.json = (body?: unknown) =>
      json(isErrorBody(body) ? { ...body, error: { ...body.error, requestId: id } } : body);
    next();
  };
}
