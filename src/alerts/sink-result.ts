/** One sink's answer to a one-off send (test message, daily digest), with an error that is safe to print. */
import { describeError } from '../errors';
import type { AlertSink } from './alert-sink';
import { redactSecrets } from './redact-url';

export interface SinkTestResult {
  sink: string;
  ok: boolean;
  error?: string;
}

export async function testSinksResult(
  sink: AlertSink | undefined,
  name: string,
  send: (sink: AlertSink) => Promise<void>,
  /** Strings that must not be printed whatever the sink's error says (the configured URLs' secret parts). */
  secrets: readonly string[] = [],
): Promise<SinkTestResult> {
  if (sink === undefined) return { sink: name, ok: false, error: `sink "${name}" is not configured` };
  try {
    await send(sink);
    return { sink: name, ok: true };
  } catch (error) {
    return { sink: name, ok: false, error: redactSecrets(describeError(error), secrets) };
  }
}
