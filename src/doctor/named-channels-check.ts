/**
 * The named alert channels in the store (issue 19): CHANNEL_SECRETS_KEY opens each one's secrets, and an e-mail
 * channel has an SMTP server to send through. No message is sent: an MSP's channels are its customers' rooms, and
 * `ra-watch channels test <name>` sends one when asked. A key that was rotated away or mistyped is found here, before
 * the first alert of that customer fails.
 */
import { openChannelSecrets } from '../alerts/channels/channel-input';
import { createChannelSecretBox } from '../alerts/channels/channel-secrets';
import type { Config } from '../config';
import { describeError } from '../errors';
import type { StoredChannel } from '../store/store';
import type { CheckResult } from './doctor-check';

function problemOf(config: Config, channel: StoredChannel): { detail: string; fix: string } | null {
  if (channel.kind === 'email' && config.email === null)
    return {
      detail: 'an e-mail channel, but no SMTP server is configured',
      fix: 'Set SMTP_URL, ALERT_EMAIL_FROM and ALERT_EMAIL_TO (e-mail channels send through that server).',
    };
  try {
    openChannelSecrets(createChannelSecretBox(config.channelSecretsKeys), channel);
    return null;
  } catch (error) {
    return {
      detail: `its URL cannot be decrypted: ${describeError(error)}`,
      fix:
        config.channelSecretsKeys.length === 0
          ? 'Set CHANNEL_SECRETS_KEY to the key the channels were added with.'
          : `Put the key it was added with in CHANNEL_SECRETS_KEY (after the current one, comma-separated), or add it again: ra-watch channels remove ${channel.name} --yes, then ra-watch channels add ${channel.name} ...`,
    };
  }
}

export function checkNamedChannels(config: Config, channels: readonly StoredChannel[]): CheckResult[] {
  return channels.map((channel) => {
    const problem = problemOf(config, channel);
    return {
      check: 'named-channel',
      title: `Named channel ${channel.name} (${channel.kind}, ${channel.target})`,
      sink: `channel:${channel.name}`,
      ...(problem === null
        ? { status: 'ok' as const, detail: 'its settings open; `ra-watch channels test` sends it a message' }
        : { status: 'fail' as const, ...problem }),
    };
  });
}
