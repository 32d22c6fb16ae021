/**
 * POST a JSON body, turning every failure into a typed error that never names the URL (Teams Workflows URLs carry a
 * signature in their query string; a PSA webhook URL often carries a token). Plain `node:http(s)` with no keep-alive
 * agent: alerts are rare, and a pooled socket would outlive `stop()`.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { httpFailure, networkFailure } from './http-failure';
import { redactSecrets, urlSecrets } from './redact-url';

interface Answer {
  status: number;
  retryAfter: string | null;
  text: string;
}

function post(url: URL, body: string, headers: Record<string, string>, timeoutMs: number): Promise<Answer> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<Answer>((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent: false,
        timeout: timeoutMs,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          // Keep only the start of the answer: it is for the error message.
          if (size < 4096) chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', () => {
          const retryAfter = res.headers['retry-after'];
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
            text: Buffer.concat(chunks).toString('utf8'),
          });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end(body);
  });
}

export async function postJson(
  sink: string,
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<void> {
  let answer: Answer;
  try {
    answer = await post(new URL(url), body, headers, timeoutMs);
  } catch (error) {
    throw networkFailure(sink, error);
  }
  if (answer.status < 200 || answer.status >= 300) {
    // The answer is quoted in the error; a peer that echoes its request line would quote our URL's secret parts.
    throw httpFailure(sink, answer.status, answer.retryAfter, redactSecrets(answer.text, urlSecrets(url)));
  }
}
