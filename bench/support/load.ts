/**
 * One autocannon run, with every response's status and latency seen (autocannon's 'response' event), so the
 * report can count exactly how many answers were slow (> 2,900 ms: Graph's "slow" line) and how many were 202.
 */
import autocannon from 'autocannon';

export interface LoadSettings {
  url: string;
  connections: number;
  /** Seconds; or `amount` requests. */
  duration?: number;
  amount?: number;
  body: string;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  responses: number;
  accepted202: number;
  other: number;
  slowOver2900ms: number;
  errors: number;
  timeouts: number;
  seconds: number;
}

export function runLoad(settings: LoadSettings): Promise<LoadResult> {
  let accepted202 = 0;
  let other = 0;
  let slow = 0;
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: settings.url,
        method: 'POST',
        connections: settings.connections,
        ...(settings.amount !== undefined
          ? { amount: settings.amount }
          : { duration: settings.duration ?? 10 }),
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: settings.body,
        idReplacement: true,
        timeout: 30,
      },
      (error, result) => {
        if (error) return reject(error instanceof Error ? error : new Error(String(error)));
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        resolve({
          requestsPerSecond: result.requests.average,
          p50: result.latency.p50,
          p99: result.latency.p99,
          max: result.latency.max,
          responses: accepted202 + other,
          accepted202,
          other,
          slowOver2900ms: slow,
          errors: result.errors,
          timeouts: result.timeouts,
          seconds,
        });
      },
    );
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      if (statusCode === 202) accepted202++;
      else other++;
      if (responseTime > 2900) slow++;
    });
  });
}
