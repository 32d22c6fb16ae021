/**
 * Two guards on request bodies, taken before any handler reads one (issue 18 item 3):
 * - a budget on the bytes of bodies in flight over all requests: each request reserves its Content-Length (capped at
 *   the largest body any endpoint takes, since a larger one is refused with 413 unread) or, chunked, that largest
 *   size, until its answer is sent. Beyond the budget the request gets 503 with Retry-After and the connection is
 *   closed unread, so a flood of large bodies cannot take the memory. Graph retries a 503 with Retry-After; a refused
 *   delivery counts toward its drop threshold, which is why the budget is large (only a flood reaches it).
 * - a deadline for Graph's webhook bodies: once the headers are in, the body must arrive within a few seconds (Graph
 *   sends it at once), else 408 and the connection is closed. Node's requestTimeout alone is sized for API uploads.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJsonError } from './error-body';

export interface BodyBudget {
  /** Reserves the request's body bytes; false when over budget (then the 503 is already sent). */
  admit(req: IncomingMessage, res: ServerResponse): boolean;
  /** Bytes reserved now (tests, metrics). */
  inFlight(): number;
}

function bodyBytesOf(req: IncomingMessage, unknownLength: number): number {
  const declared = req.headers['content-length'];
  if (declared !== undefined) {
    const bytes = Number(declared);
    return Number.isFinite(bytes) && bytes > 0 ? Math.min(bytes, unknownLength) : 0;
  }
  return req.headers['transfer-encoding'] === undefined ? 0 : unknownLength;
}

export function createBodyBudget(maxBytes: number, unknownLengthReserveBytes: number): BodyBudget {
  let reserved = 0;
  return {
    admit(req, res) {
      const bytes = bodyBytesOf(req, unknownLengthReserveBytes);
      if (bytes === 0) return true;
      if (reserved + bytes > maxBytes) {
        sendJsonError(
          res,
          503,
          'busy',
          'Too many request bodies are being received at once; send this one again shortly.',
          { 'Retry-After': '1', Connection: 'close' },
        );
        return false;
      }
      reserved += bytes;
      // 'close' fires once the answer is sent or the connection is gone, whichever comes first.
      res.once('close', () => {
        reserved -= bytes;
      });
      return true;
    },
    inFlight: () => reserved,
  };
}

/** Answers 408 and closes the connection when the body has not fully arrived within `ms` of its headers. */
export function bodyDeadline(req: IncomingMessage, res: ServerResponse, ms: number): void {
  if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) return;
  const timer = setTimeout(() => {
    if (req.complete) return;
    const cut = (): void => {
      req.socket.destroy();
    };
    if (res.headersSent) return cut();
    res.once('finish', cut);
    sendJsonError(res, 408, 'request-timeout', `The request body did not arrive within ${ms} ms.`, {
      Connection: 'close',
    });
  }, ms);
  timer.unref();
  const clear = (): void => clearTimeout(timer);
  req.once('end', clear);
  res.once('close', clear);
}
