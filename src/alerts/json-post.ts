/**
 * POST a JSON body with Node's fetch, turning every failure into a typed error that never names the URL (Teams
 * Workflows URLs carry a signature in their query string; a PSA webhook URL often carries a token).
 */
import { httpFailure, networkFailure } from './http-failure';

export async function postJson(
  sink: string,
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    // fetch's TypeError hides the reason in `cause` (ECONNREFUSED...); never the URL.
    const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
    throw networkFailure(sink, cause);
  }
  // Read the body so the socket is released, but keep only a little of it for the error.
  const text = await response.text().catch(() => '');
  if (!response.ok) throw httpFailure(sink, response.status, response.headers.get('retry-after'), text);
}
