/**
 * Graph's endpoint validation, run before a subscription exists (graph-samples validation-request.md):
 * `POST {url}?validationToken=...` (form-encoded, so spaces arrive as `+`), `Content-Type: text/plain`, empty body;
 * the endpoint must answer 200, `text/plain`, the DECODED token, within 10 seconds. Anything else and the
 * subscription is not created.
 */
import { randomUUID } from 'node:crypto';

export type HandshakeResult = { ok: true } | { ok: false; message: string };

export async function runValidationHandshake(url: string, timeoutMs: number): Promise<HandshakeResult> {
  const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
  const target = `${url}${url.includes('?') ? '&' : '?'}${new URLSearchParams({ validationToken: token }).toString()}`;
  let response: Response;
  try {
    response = await fetch(target, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
      body: '',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    return {
      ok: false,
      message: timedOut
        ? `Subscription validation request timed out. The endpoint ${url} did not answer within ${timeoutMs / 1000} seconds.`
        : `Subscription validation request failed. Notification endpoint ${url} could not be reached.`,
    };
  }
  const text = await response.text().catch(() => '');
  if (response.status !== 200) {
    return {
      ok: false,
      message: `Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request (got ${response.status}).`,
    };
  }
  const contentType = response.headers.get('content-type') ?? '';
  if (!contentType.toLowerCase().startsWith('text/plain')) {
    return {
      ok: false,
      message: `Subscription validation request failed. The response must have Content-Type text/plain (got '${contentType}').`,
    };
  }
  if (text !== token) {
    return {
      ok: false,
      message:
        'Subscription validation request failed. Response must exactly match validationToken query parameter.',
    };
  }
  return { ok: true };
}
