/**
 * `ra-watch alerts test-sinks`: send a test message to every configured sink and say, per sink, whether it arrived.
 * Errors are already free of webhook URLs and SMTP passwords (the sinks redact them), so they can be printed.
 */
import { describeError } from '../errors';
import { buildTestMessage } from './alert-message';
import type { AlertSink } from './alert-sink';
import { redactUrls } from './redact-url';

export interface SinkTestResult {
  sink: string;
  ok: boolean;
  error?: string;
}

export async function testSinks(sinks: Map<string, AlertSink>, now: () => Date = () => new Date()): Promise<SinkTestResult[]> {
  const at = now().toISOString();
  const message = buildTestMessage(at);
  return Promise.all(
    [...sinks.values()].map(async (sink): Promise<SinkTestResult> => {
      try {
        // A fresh key per run: a test is meant to arrive every time it is asked for.
        await sink.send(message, `test:${sink.name}:${at}`);
        return { sink: sink.name, ok: true };
      } catch (error) {
        return { sink: sink.name, ok: false, error: redactUrls(describeError(error)) };
      }
    }),
  );
}
