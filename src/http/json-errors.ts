/**
 * The Express app's last two handlers: a JSON 404 for every unknown path and a JSON error handler, both in the
 * `{"error":{"code","message"}}` shape. Errors that carry an HTTP status below 500 (express.json's parse and size
 * errors, http-errors from routers) keep their status and their message, which is written for the client; anything
 * else is a 500 with a fixed message and the detail only in the log: no stack or secret ever reaches a response.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../logger';
import { errorBody } from './error-body';

export const notFound: RequestHandler = (req, res) => {
  res.status(404).json(errorBody('not-found', `Nothing at ${req.method} ${req.path}.`));
};

interface HttpErrorLike {
  status?: unknown;
  statusCode?: unknown;
  expose?: unknown;
  type?: unknown;
  message?: unknown;
}

function clientStatus(error: unknown): number | null {
  if (typeof error !== 'object' || error === null) return null;
  const { status, statusCode } = error as HttpErrorLike;
  const value = typeof status === 'number' ? status : typeof statusCode === 'number' ? statusCode : null;
  return value !== null && value >= 400 && value < 500 ? value : null;
}

function codeFor(status: number, error: HttpErrorLike): string {
  if (typeof error.type === 'string' && error.type.length > 0) return error.type.replace(/\./g, '-');
  if (status === 413) return 'payload-too-large';
  if (status === 404) return 'not-found';
  return 'bad-request';
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const status = clientStatus(error);
    if (status !== null) {
      const like = error as HttpErrorLike;
      const message =
        like.expose !== false && typeof like.message === 'string' ? like.message : 'The request was refused.';
      res.status(status).json(errorBody(codeFor(status, like), message));
      return;
    }
    logger.error({ err: error, method: req.method, path: req.path }, 'request failed');
    res
      .status(500)
      .json(errorBody('internal', 'ra-watch failed to answer this request; the details are in its log.'));
  };
}
