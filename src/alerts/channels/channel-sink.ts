/**
 * A stored channel as a sink (issue 19): the same Slack, Teams, e-mail and webhook sinks the environment's channels
 * use, named `channel:<name>` so the outbox, the dispatcher's retries and burst summaries treat it like any other.
 * E-mail channels send through the environment's SMTP server (SMTP_URL, ALERT_EMAIL_FROM) to their own recipients.
 * A channel whose secrets cannot be opened (CHANNEL_SECRETS_KEY changed) is a sink that fails each message with the
 * reason, so the outbox shows why instead of the alert vanishing.
 */
import type { Config } from '../../config';
import { PermanentError } from '../../errors';
import type { StoredChannel } from '../../store/store';
import type { AlertSink } from '../alert-sink';
import { createEmailSink } from '../email-sink';
import { createSlackSink } from '../slack-sink';
import { createTeamsSink } from '../teams-sink';
import { createWebhookSink } from '../webhook-sink';
import type { ChannelSecrets, ChannelSettings } from './channel-input';
import { channelSinkName } from './route-table';

export interface ChannelSinkDeps {
  /** The environment's e-mail transport; e-mail channels need it. */
  email: Config['email'];
}

/** Renames a sink so the outbox and the logs say which channel it is. */
function named(name: string, sink: AlertSink): AlertSink {
  return {
    name,
    send: (message, key) => sink.send(message, key),
    ...(sink.digests === undefined ? {} : { digests: sink.digests }),
    ...(sink.close === undefined ? {} : { close: () => sink.close?.() }),
  };
}

export function failingSink(name: string, code: string, reason: string, digests: boolean): AlertSink {
  return {
    name,
    digests,
    send: () => Promise.reject(new PermanentError(code, reason)),
  };
}

export function createChannelSink(
  channel: StoredChannel,
  settings: ChannelSettings,
  secrets: ChannelSecrets,
  deps: ChannelSinkDeps,
): AlertSink {
  const name = channelSinkName(channel.name);
  const url = secrets.url ?? '';
  switch (channel.kind) {
    case 'slack':
      return named(name, { ...createSlackSink({ webhookUrl: url }), digests: settings.digests });
    case 'teams':
      return named(name, { ...createTeamsSink({ webhookUrl: url }), digests: settings.digests });
    case 'webhook':
      return named(
        name,
        createWebhookSink({ url, secret: secrets.secret ?? null, digests: settings.digests }),
      );
    case 'email':
      if (deps.email === null)
        return failingSink(
          name,
          'email-not-configured',
          `channel "${channel.name}" is an e-mail channel, but this install has no SMTP server: set SMTP_URL, ` +
            'ALERT_EMAIL_FROM and ALERT_EMAIL_TO.',
          settings.digests,
        );
      return named(name, {
        ...createEmailSink({ smtpUrl: deps.email.smtpUrl, from: deps.email.from, to: settings.to ?? [] }),
        digests: settings.digests,
      });
  }
}
