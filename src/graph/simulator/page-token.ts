/**
 * Opaque paging and delta tokens: base64url JSON, like Graph's are opaque strings. Decoding validates the payload,
 * so a token forged or cut short is refused cleanly instead of crashing a route.
 */
import type { z } from 'zod';
import { GraphOperationError } from './graph-operation-error';

export function encodeToken(payload: object): string {
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

export function decodeToken<T>(token: string, schema: z.ZodType<T>, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new GraphOperationError(400, 'BadRequest', `The ${what} token is malformed.`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new GraphOperationError(400, 'BadRequest', `The ${what} token is malformed.`);
  return parsed.data;
}

/** `$top` as Graph reads it: a positive integer, capped. */
export function pageSize(top: string | null, fallback: number, max: number): number {
  if (top === null) return fallback;
  const n = Number(top);
  if (!Number.isInteger(n) || n < 1)
    throw new GraphOperationError(400, 'BadRequest', `Invalid value '${top}' for query option $top.`);
  return Math.min(n, max);
}
