/**
 * One request/response as the simulator's router sees it, independent of node:http: the HTTP server and `$batch`
 * (whose items are routed internally, like Graph does) both speak it.
 */
export interface SimRequest {
  method: string;
  /** Path below `/v1.0`, without the query: `/users/abc/assignLicense`. */
  path: string;
  query: URLSearchParams;
  /** Parsed JSON body, or undefined when there is none. */
  body: unknown;
  /** The tenant the bearer token belongs to. */
  tenantId: string;
  /** Request headers, lower-cased names. */
  headers: Record<string, string>;
}

export interface SimResponse {
  status: number;
  headers: Record<string, string>;
  /** JSON value, or a raw string (already serialised, possibly deliberately malformed). */
  body: unknown;
  /** Set when `body` is a raw string to send as is. */
  raw?: boolean;
}

export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): SimResponse {
  return { status, headers: { 'Content-Type': 'application/json', ...headers }, body };
}

export function noContent(): SimResponse {
  return { status: 204, headers: {}, body: undefined };
}
