/**
 * Graph's error answers, turned into ra-watch's typed errors with a message an admin can act on.
 * Graph's 403 says "Insufficient privileges" without naming the permission, so each call states the permission it
 * needs and the message names it.
 */
import { z } from 'zod';
import { describeIssues } from '../../describe-issues';
import { PermanentError, RetryLaterError } from '../../errors';
import { graphErrorSchema } from '../wire-schemas';

export interface GraphAnswer {
  status: number;
  headers: Headers;
  body: unknown;
  /** `GET /v1.0/users/{id}` without the query: safe to log and to show. */
  what: string;
}

export interface GraphErrorInfo {
  code: string | null;
  message: string | null;
}

export function graphErrorOf(body: unknown): GraphErrorInfo {
  const parsed = graphErrorSchema.safeParse(body);
  if (!parsed.success)
    return { code: null, message: typeof body === 'string' && body !== '' ? body.slice(0, 200) : null };
  return { code: parsed.data.error.code, message: parsed.data.error.message ?? null };
}

/** `request-id` for support cases: Microsoft asks for it. */
export function requestIdOf(headers: Headers): string | null {
  return headers.get('request-id') ?? headers.get('client-request-id');
}

/** A non-success answer the caller did not handle itself, as a typed error. */
export function unexpectedAnswer(answer: GraphAnswer, permission: string | null): Error {
  const { code, message } = graphErrorOf(answer.body);
  const said = `${answer.status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`;
  const requestId = requestIdOf(answer.headers);
  const trace = requestId ? ` (request-id ${requestId})` : '';
  if (answer.status === 401) {
    return new PermanentError(
      'graph-unauthorized',
      `Graph refused the token for ${answer.what} (${said})${trace}. Check the app registration's credentials and tenant.`,
    );
  }
  if (answer.status === 403) {
    const need = permission
      ? ` The app needs the application permission ${permission}, with admin consent.`
      : ' The app lacks a permission it needs.';
    return new PermanentError('graph-forbidden', `Graph refused ${answer.what} (${said})${trace}.${need}`);
  }
  if (answer.status >= 500) {
    return new RetryLaterError(`Graph failed on ${answer.what} (${said})${trace}`, 5_000);
  }
  return new PermanentError('graph-request', `Graph rejected ${answer.what} (${said})${trace}`);
}

/** Validate a Graph body against its wire schema; a shape we do not understand is a clear error, not a crash. */
export function parseGraphBody<T extends z.ZodType>(schema: T, body: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issues = describeIssues(parsed.error, { root: '(root)', limit: 3 });
  return throwShape(`Graph's answer to ${what} does not have the expected shape: ${issues}`, parsed.error);
}

function throwShape(message: string, cause: unknown): never {
  throw new PermanentError('graph-shape', message, { cause });
}
