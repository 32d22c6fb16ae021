/**
 * Channel secrets at rest (issue 19): sealed with AES-256-GCM under CHANNEL_SECRETS_KEY, bound to the channel's name,
 * opened only with a key of the ring, and a tampered or moved value refused rather than read as garbage.
 */
import { randomBytes } from 'node:crypto';
import {
  ChannelSecretsError,
  createChannelSecretBox,
  parseSecretsKey,
} from '../../../src/alerts/channels/channel-secrets';
import { loadConfig } from '../../../src/config';
import { ConfigError } from '../../../src/config/config-shape';

const URL_SECRET = 'https://hooks.slack.com/services/T0RAWATCH/B0ALERTS/s3cr3tWebhookToken';

describe('channel secret box', () => {
  const first = randomBytes(32);
  const second = randomBytes(32);

  it('seals into text that holds no part of the secret and opens back to it', () => {
    const box = createChannelSecretBox([first]);
    const sealed = box.seal('contoso-noc', URL_SECRET);
    expect(sealed).toMatch(/^v1\.[0-9a-f]{8}\.[A-Za-z0-9+/=]+\.[A-Za-z0-9+/=]+$/);
    expect(sealed).not.toContain('s3cr3t');
    expect(sealed).not.toContain('hooks.slack.com');
    expect(box.open('contoso-noc', sealed)).toBe(URL_SECRET);
    // A fresh nonce every time: the same secret never seals to the same text.
    expect(box.seal('contoso-noc', URL_SECRET)).not.toBe(sealed);
  });

  it("refuses a value moved onto another channel's row (the name is authenticated)", () => {
    const box = createChannelSecretBox([first]);
    const sealed = box.seal('contoso-noc', URL_SECRET);
    expect(() => box.open('fabrikam-noc', sealed)).toThrow(/do not open/);
  });

  it('refuses a tampered value', () => {
    const box = createChannelSecretBox([first]);
    const [v, id, iv, body] = box.seal('contoso-noc', URL_SECRET).split('.') as [
      string,
      string,
      string,
      string,
    ];
    const bytes = Buffer.from(body, 'base64');
    bytes[0] = bytes[0]! ^ 1;
    expect(() => box.open('contoso-noc', [v, id, iv, bytes.toString('base64')].join('.'))).toThrow(
      ChannelSecretsError,
    );
  });

  it('names the missing key when the value was sealed with a key not in the ring', () => {
    const sealed = createChannelSecretBox([first]).seal('contoso-noc', URL_SECRET);
    const other = createChannelSecretBox([second]);
    expect(() => other.open('contoso-noc', sealed)).toThrow(/not in CHANNEL_SECRETS_KEY/);
  });

  it('rotates: a ring with the new key first still opens the old seal and calls it stale', () => {
    const old = createChannelSecretBox([first]).seal('contoso-noc', URL_SECRET);
    const rotated = createChannelSecretBox([second, first]);
    expect(rotated.open('contoso-noc', old)).toBe(URL_SECRET);
    expect(rotated.isStale(old)).toBe(true);
    expect(rotated.isStale(rotated.seal('contoso-noc', URL_SECRET))).toBe(false);
  });

  it('with no key refuses to seal, saying which variable to set', () => {
    const box = createChannelSecretBox([]);
    expect(box.enabled).toBe(false);
    expect(() => box.seal('contoso-noc', URL_SECRET)).toThrow(/CHANNEL_SECRETS_KEY/);
  });
});

describe('CHANNEL_SECRETS_KEY', () => {
  it('takes base64 or hex of 32 bytes, several comma-separated', () => {
    const a = randomBytes(32);
    const b = randomBytes(32);
    const config = loadConfig({ CHANNEL_SECRETS_KEY: `${a.toString('base64')}, ${b.toString('hex')}` });
    expect(config.channelSecretsKeys).toEqual([a, b]);
    expect(parseSecretsKey(a.toString('hex'))).toEqual(a);
  });

  it('refuses a key that is not 32 bytes, without echoing it', () => {
    const short = randomBytes(16).toString('base64');
    let error: unknown;
    try {
      loadConfig({ CHANNEL_SECRETS_KEY: short });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/CHANNEL_SECRETS_KEY=.* is not 32 bytes in base64 or hex/);
    expect(message).not.toContain(short);
  });

  it('is unset by default: no keys', () => {
    expect(loadConfig({}).channelSecretsKeys).toEqual([]);
  });
});
