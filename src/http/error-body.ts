/**
 * The one error shape every HTTP answer uses (DESIGN.md public surface): `{"error":{"code","message"}}`.
 * Shared by the lean ingest handler (plain node:http) and the Express app, so a client sees one shape whichever
 * layer answered. Messages are written for the caller; stacks and secrets never go in them.
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

export interface ErrorBody {
  error: { code: string; message: string };
}

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

/** Answer with a JSON error on a plain node:http response (Express responses are ServerResponses too). */
export function sendJsonError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: OutgoingHttpHeaders = {},
): void {
  const payload = JSON.stringify(errorBody(code, message));
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(payload),
  });
  res.end(payload);
}
