/** The configured sinks, by name: the one place that reads alert settings from `Config`. `log` is always there. */
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { AlertSink } from './alert-sink';
import { createEmailSink } from './email-sink';
import { createLogSink } from './log-sink';
import { createSlackSink } from './slack-sink';
import { createTeamsSink } from './teams-sink';
import { createWebhookSink } from './webhook-sink';

export function createSinks(
  config: Pick<Config, 'slackWebhookUrl' | 'teamsWebhookUrl' | 'alertWebhook' | 'email'>,
  logger: Logger,
): Map<string, AlertSink> {
  const sinks: AlertSink[] = [];
  if (config.slackWebhookUrl !== null) sinks.push(createSlackSink({ webhookUrl: config.slackWebhookUrl }));
  if (config.teamsWebhookUrl !== null) sinks.push(createTeamsSink({ webhookUrl: config.teamsWebhookUrl }));
  if (config.email !== null) sinks.push(createEmailSink(config.email));
  if (config.alertWebhook !== null) sinks.push(createWebhookSink(config.alertWebhook));
  sinks.push(createLogSink(logger));
  return new Map(sinks.map((sink) => [sink.name, sink]));
}
