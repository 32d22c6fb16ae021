/**
 * The doctor's look at the named channels (issue 19): each one's sealed URL opens with CHANNEL_SECRETS_KEY, or the
 * check fails naming the channel and the fix (the key it was sealed with, or add it again); an e-mail channel with
 * no SMTP server fails too. Nothing is sent.
 */
import { randomBytes } from 'node:crypto';
import { createChannelSecretBox } from '../../src/alerts/channels/channel-secrets';
import { loadConfig } from '../../src/config';
import { checkNamedChannels } from '../../src/doctor/named-channels-check';
import type { StoredChannel } from '../../src/store/store';

const key = randomBytes(32);
const slack: StoredChannel = {
  name: 'contoso-noc',
  kind: 'slack',
  target: 'hooks.slack.com',
  sealedSecrets: createChannelSecretBox([key]).seal(
    'contoso-noc',
    JSON.stringify({ url: 'https://hooks.slack.com/services/T0/B0/s3cr3t' }),
  ),
  settings: { digests: true },
  createdAt: '2026-12-03T00:00:00.000Z',
  createdBy: 'test',
  updatedAt: '2026-12-03T00:00:00.000Z',
};
const email: StoredChannel = {
  ...slack,
  name: 'fabrikam-ops',
  kind: 'email',
  target: 'ops@fabrikam.com',
  sealedSecrets: null,
  settings: { digests: true, to: ['ops@fabrikam.com'] },
};

describe('doctor: named channels', () => {
  it('passes a channel the configured key opens', () => {
    const config = loadConfig({ CHANNEL_SECRETS_KEY: key.toString('base64') });
    expect(checkNamedChannels(config, [slack])).toEqual([
      expect.objectContaining({ check: 'named-channel', sink: 'channel:contoso-noc', status: 'ok' }),
    ]);
  });

  it('fails a channel sealed with another key, naming the fix and never the URL', () => {
    const config = loadConfig({ CHANNEL_SECRETS_KEY: randomBytes(32).toString('base64') });
    const [result] = checkNamedChannels(config, [slack]);
    expect(result).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/not in CHANNEL_SECRETS_KEY/),
    });
    expect(result!.fix).toMatch(/ra-watch channels remove contoso-noc --yes/);
    expect(JSON.stringify(result)).not.toContain('s3cr3t');
  });

  it('fails every sealed channel when CHANNEL_SECRETS_KEY is unset, saying to set it', () => {
    const [result] = checkNamedChannels(loadConfig({}), [slack]);
    expect(result).toMatchObject({
      status: 'fail',
      fix: 'Set CHANNEL_SECRETS_KEY to the key the channels were added with.',
    });
  });

  it('fails an e-mail channel when no SMTP server is configured, and passes it when one is', () => {
    expect(checkNamedChannels(loadConfig({}), [email])[0]).toMatchObject({
      status: 'fail',
      detail: 'an e-mail channel, but no SMTP server is configured',
    });
    const withSmtp = loadConfig({
      SMTP_URL: 'smtp://127.0.0.1:2525',
      ALERT_EMAIL_FROM: 'ra-watch@msp.example',
      ALERT_EMAIL_TO: 'noc@msp.example',
    });
    expect(checkNamedChannels(withSmtp, [email])[0]).toMatchObject({ status: 'ok' });
  });
});
