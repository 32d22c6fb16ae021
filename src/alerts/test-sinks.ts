/**
 * `ra-watch alerts test-sinks`: send a test message to every configured sink and say, per sink, whether it arrived.
 * Errors are free of webhook URLs and SMTP passwords (the sinks redact them, and the result is redacted again, with
 * every configured URL's path and query when the caller gives them: see `sinkSecrets`), so they can be printed.
 */
import { buildTestMessage } from './alert-message';
import type { AlertSink } from './alert-sink';
import { testSinksResult, type SinkTestResult } from './sink-result';

export type { SinkTestResult } from './sink-result';

export async function testSinks(
  sinks: Map<string, AlertSink>,
  now: () => Date = () => new Date(),
  secrets: readonly string[] = [],
): Promise<SinkTestResult[]> {
  const at = now().toISOString();
  const message = buildTestMessage(at);
  return Promise.all(
    // A fresh key per run: a test is meant to arrive every time it is asked for.
    [...sinks.entries()].map(([name, sink]) =>
      testSinksResult(sink, name, (s) => s.send(message, `test:${name}:${at}`), secrets),
    ),
  );
}
