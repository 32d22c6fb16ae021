/**
 * Reads a request body up to a limit. An oversized body is refused as soon as it is known to be too large (from
 * Content-Length before reading anything, or on the chunk that crosses the limit for chunked bodies): the chunks
 * read so far are dropped and the rest is never kept, so a client cannot make ingest hold more than the limit.
 */
import type { IncomingMessage } from 'node:http';

export type BodyReadResult =
  | { ok: true; body: Buffer }
  | { ok: false; reason: 'too-large'; limit: number }
  | { ok: false; reason: 'aborted' };

export function declaredLengthTooLarge(req: IncomingMessage, maxBytes: number): boolean {
  const declared = req.headers['content-length'];
  return declared !== undefined && Number(declared) > maxBytes;
}

export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyReadResult> {
  return new Promise((resolve) => {
    if (declaredLengthTooLarge(req, maxBytes)) {
      resolve({ ok: false, reason: 'too-large', limit: maxBytes });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: BodyReadResult): void => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAborted);
      req.off('aborted', onAborted);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        chunks.length = 0;
        settle({ ok: false, reason: 'too-large', limit: maxBytes });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      settle({ ok: true, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) });
    };
    const onAborted = (): void => settle({ ok: false, reason: 'aborted' });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAborted);
    req.on('aborted', onAborted);
  });
}
