/**
 * Every configured alert channel sent a test message, with the same code and the same redaction as
 * `ra-watch alerts test-sinks` (src/alerts/test-sinks.ts): one result per channel.
 */
import { createSinks, sinkSecrets } from '../alerts/sinks-from-config';
import { testSinks } from '../alerts/test-sinks';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { CheckResult } from './doctor-check';

export async function checkAlertChannels(config: Config, logger: Logger): Promise<CheckResult[]> {
  const sinks = createSinks(config, logger);
  try {
    const results = await testSinks(sinks, undefined, sinkSecrets(config));
    return results.map((r) => ({
      check: 'alert-channel',
      title: `Alert channel ${r.sink}`,
      sink: r.sink,
      status: r.ok ? 'ok' : 'fail',
      detail: r.ok ? 'test message sent' : `test message failed: ${r.error ?? 'unknown error'}`,
      ...(r.ok
        ? {}
        : {
            fix: `Check the ${r.sink} settings (README's Configuration table), then run \`ra-watch alerts test-sinks\`.`,
          }),
    }));
  } finally {
    for (const sink of sinks.values()) sink.close?.();
  }
}
