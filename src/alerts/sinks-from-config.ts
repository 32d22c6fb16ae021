/** The configured sinks, by name: the one place that reads alert settings from `Config`. `log` is always there. */
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { AlertSink } from './alert-sink';
import { createEmailSink } from './email-sink';
import { createLogSink } from './log-sink';
import { urlSecrets } from './redact-url';
import { createSlackSink } from './slack-sink';
import { createTeamsSink } from './teams-sink';
import { createWebhookSink } from './webhook-sink';

type SinkConfig = Pick<Config, 'slackWebhookUrl' | 'teamsWebhookUrl' | 'alertWebhook' | 'email'>;

export function createSinks(config: SinkConfig, logger: Logger): Map<string, AlertSink> {
  const sinks: AlertSink[] = [];
  if (config.slackWebhookUrl !== null) sinks.push(createSlackSink({ webhookUrl: config.slackWebhookUrl }));
  if (config.teamsWebhookUrl !== null) sinks.push(createTeamsSink({ webhookUrl: config.teamsWebhookUrl }));
  if (config.email !== null) sinks.push(createEmailSink(config.email));
  if (config.alertWebhook !== null) sinks.push(createWebhookSink(config.alertWebhook));
  sinks.push(createLogSink(logger));
  return new Map(sinks.map((sink) => [sink.name, sink]));
}

/**
 * Said once at start (serve): an unsigned generic webhook cannot be told from a forgery or a replay by its receiver.
 */
export function warnIfWebhookUnsigned(config: SinkConfig, logger: Logger): void {
  if (config.alertWebhook === null || config.alertWebhook.secret !== null) return;
  logger.warn(
    { sink: 'webhook' },
    'ALERT_WEBHOOK_URL is set without ALERT_WEBHOOK_SECRET: the webhook is sent unsigned, so its receiver cannot ' +
      'tell it from a forged or replayed request. Set ALERT_WEBHOOK_SECRET (whsec_ + base64 of 32 random bytes).',
  );
}

/**
 * Everything secret in the sinks' settings, down to each URL's path and query, so text meant for a person (the
 * `alerts test-sinks` report) can be cleaned of it whatever a peer echoed into its error.
 */
export function sinkSecrets(config: SinkConfig): string[] {
  const urls = [
    config.slackWebhookUrl,
    config.teamsWebhookUrl,
    config.alertWebhook?.url ?? null,
    config.email?.smtpUrl ?? null,
  ];
  const secrets = urls.flatMap((url) => (url === null ? [] : urlSecrets(url)));
  const signingSecret = config.alertWebhook?.secret ?? null;
  if (signingSecret !== null) secrets.push(signingSecret);
  return secrets.sort((a, b) => b.length - a.length);
}
