/**
 * Graph's error body: `{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}`
 * (graph-samples error-generic.json, error-429.json, error-410-delta-token-expired.json).
 */
import { randomUUID } from 'node:crypto';
import { innerErrorDate } from './graph-time';
import { jsonResponse, type SimResponse } from './sim-exchange';

export function graphError(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): SimResponse {
  const requestId = randomUUID();
  return jsonResponse(
    status,
    {
      error: {
        code,
        message,
        innerError: { date: innerErrorDate(), 'request-id': requestId, 'client-request-id': requestId },
      },
    },
    headers,
  );
}

/** 429 with Retry-After, the body copied in shape from error-429.json (throttling adds innerError code/status). */
export function throttledError(retryAfterSeconds: number): SimResponse {
  const requestId = randomUUID();
  return jsonResponse(
    429,
    {
      error: {
        code: 'TooManyRequests',
        innerError: {
          code: '429',
          date: innerErrorDate(),
          message: 'Please retry after',
          'request-id': requestId,
          status: '429',
        },
        message: 'Please retry again later.',
      },
    },
    { 'Retry-After': String(retryAfterSeconds) },
  );
}

export function notFound(resourceId: string): SimResponse {
  return graphError(
    404,
    'Request_ResourceNotFound',
    `Resource '${resourceId}' does not exist or one of its queried reference-property objects are not present.`,
  );
}

export function badRequest(message: string, code = 'Request_BadRequest'): SimResponse {
  return graphError(400, code, message);
}
