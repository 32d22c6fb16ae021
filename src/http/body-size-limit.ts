/**
 * A ceiling on request bodies, checked on the declared Content-Length before anything is read or parsed, and before
 * the API's token check: no caller, authenticated or not, makes ra-watch buffer a large body. Each API router
 * parses JSON with its own (smaller) limit too, which also covers chunked bodies that declare no length.
 */
import type { RequestHandler } from 'express';
import { errorBody } from './error-body';

export const API_BODY_LIMIT_BYTES = 1024 * 1024;

export function bodySizeLimit(maxBytes: number = API_BODY_LIMIT_BYTES): RequestHandler {
  return (req, res, next) => {
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > maxBytes) {
      // Closing after the answer: reading the rest of an oversized body only to discard it is what the limit avoids.
      res.setHeader('Connection', 'close');
      res
        .status(413)
        .json(errorBody('payload-too-large', `The request body is larger than ${maxBytes} bytes.`));
      return;
    }
    next();
  };
}
