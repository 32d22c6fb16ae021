/**
 * Microsoft Teams through a Workflows (Power Automate) or incoming-webhook URL, posting an Adaptive Card. Neither
 * takes an idempotency key; the header is sent anyway so a flow can use it.
 */
import type { AlertDigest, AlertMessage } from './alert-message';
import type { AlertSink } from './alert-sink';
import { postJson } from './json-post';
import { renderTeamsAlert, renderTeamsDigest } from './render-teams-card';

export function createTeamsSink(options: { webhookUrl: string; timeoutMs?: number }): AlertSink {
  return {
    name: 'teams',
    async send(message: AlertMessage | AlertDigest, idempotencyKey: string): Promise<void> {
      const payload = message.type === 'digest' ? renderTeamsDigest(message) : renderTeamsAlert(message);
      await postJson(
        'Teams',
        options.webhookUrl,
        JSON.stringify(payload),
        { 'Idempotency-Key': idempotencyKey },
        options.timeoutMs ?? 10_000,
      );
    },
  };
}
