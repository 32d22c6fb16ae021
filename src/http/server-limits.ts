/**
 * How long and how much a client may hold the server (issue 18 item 3). Node's defaults let a stalled client keep a
 * socket for 60 s (headers) to 300 s (request), with no cap on connections; a probe kept 1,500 body-stalled
 * connections open and a flood of 4 MiB bodies took the process to half a gigabyte. Graph answers must come within
 * 3 s (DOMAIN.md §5), so nothing Graph sends needs long: its headers and bodies arrive in milliseconds.
 */
import type { ServerOptions } from 'node:http';

export interface ServerLimits {
  /** Complete request headers must arrive within this (Node's headersTimeout; answered 408, connection closed). */
  headersTimeoutMs: number;
  /** A whole request, body included, must arrive within this (Node's requestTimeout): the API's uploads. */
  requestTimeoutMs: number;
  /** Graph's endpoints: the body must arrive within this once the headers are in (408, connection closed). */
  webhookBodyTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** Open connections at most; a connection beyond is closed at once (server.maxConnections). */
  maxConnections: number;
  /** Request body bytes in flight (declared or reserved) at most, over all requests; beyond: 503 + Retry-After. */
  maxBodyBytesInFlight: number;
  /** What a body without Content-Length (chunked) reserves: the largest body any endpoint takes (ingest's 4 MiB). */
  unknownLengthReserveBytes: number;
}

export const SERVER_LIMITS: ServerLimits = Object.freeze({
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 30_000,
  webhookBodyTimeoutMs: 5_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 2_000,
  maxBodyBytesInFlight: 64 * 1024 * 1024,
  unknownLengthReserveBytes: 4 * 1024 * 1024,
});

/** The limits Node enforces itself, as createServer options. */
export function nodeServerOptions(limits: ServerLimits): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    // Node requires requestTimeout >= headersTimeout (0 would disable it).
    requestTimeout: Math.max(limits.requestTimeoutMs, limits.headersTimeoutMs),
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Node checks both timeouts on this interval (default 30 s): a 5 s limit checked every 30 s would be a 35 s one.
    connectionsCheckingInterval: Math.max(
      50,
      Math.min(1_000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 5)),
    ),
  };
}
