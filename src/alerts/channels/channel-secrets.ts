/**
 * Channel secrets at rest (issue 19): a stored channel's webhook URL and signing secret are sealed with AES-256-GCM
 * under CHANNEL_SECRETS_KEY before they reach the database, so a copy of the database (a backup, a read replica, an
 * admin's SQL console) holds no working webhook. The sealed form names the key it was sealed with (the first 8 hex
 * digits of the key's SHA-256), so a wrong or rotated-away key gives a clear error instead of garbage, and the
 * channel's name is the authenticated data, so a sealed value copied onto another channel's row does not open.
 *
 * CHANNEL_SECRETS_KEY is one key, or several separated by commas while rotating: the first seals, every one opens.
 * Each key is 32 random bytes in base64 (`openssl rand -base64 32`) or hex.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12; // GCM's recommended nonce size (NIST SP 800-38D)
const TAG_BYTES = 16;

export class ChannelSecretsError extends Error {
  constructor(
    readonly code: 'channel-secrets-key-missing' | 'channel-secrets-key-wrong',
    message: string,
  ) {
    super(message);
    this.name = 'ChannelSecretsError';
  }
}

interface SecretsKey {
  id: string;
  key: Buffer;
}

/** One key's bytes from its base64 or hex form; null when it is neither or not 32 bytes. */
export function parseSecretsKey(text: string): Buffer | null {
  const trimmed = text.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : /^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)
      ? Buffer.from(trimmed, 'base64')
      : null;
  return bytes !== null && bytes.length === KEY_BYTES ? bytes : null;
}

const keyId = (key: Buffer): string => createHash('sha256').update(key).digest('hex').slice(0, 8);

export const SECRETS_KEY_MISSING =
  'Channels with a secret (a webhook URL or a signing secret) need CHANNEL_SECRETS_KEY, the key they are encrypted ' +
  'with in the database: set it to 32 random bytes in base64 (`openssl rand -base64 32`) and restart.';

export interface ChannelSecretBox {
  /** True when a key is configured (sealing is possible). */
  readonly enabled: boolean;
  /** The sealed form of `plain`, bound to `channel` (its name). */
  seal(channel: string, plain: string): string;
  /** The plain text of a sealed value of `channel`. */
  open(channel: string, sealed: string): string;
  /** True when `sealed` was sealed with a key other than the first (re-seal it to finish a rotation). */
  isStale(sealed: string): boolean;
}

/** The box for the configured keys (the first seals; all open); with no key it refuses to seal or open. */
export function createChannelSecretBox(keys: readonly Buffer[]): ChannelSecretBox {
  const ring: SecretsKey[] = keys.map((key) => ({ id: keyId(key), key }));
  const sealing = ring[0] ?? null;
  return {
    enabled: sealing !== null,
    seal(channel, plain) {
      if (sealing === null) throw new ChannelSecretsError('channel-secrets-key-missing', SECRETS_KEY_MISSING);
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', sealing.key, iv);
      cipher.setAAD(Buffer.from(channel, 'utf8'));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return [VERSION, sealing.id, iv.toString('base64'), body.toString('base64')].join('.');
    },
    open(channel, sealed) {
      const [version, id, iv, body] = sealed.split('.');
      if (version !== VERSION || id === undefined || iv === undefined || body === undefined)
        throw new ChannelSecretsError(
          'channel-secrets-key-wrong',
          `The secrets of channel "${channel}" are not in a form this version of ra-watch reads.`,
        );
      if (sealing === null) throw new ChannelSecretsError('channel-secrets-key-missing', SECRETS_KEY_MISSING);
      const key = ring.find((k) => k.id === id);
      if (key === undefined)
        throw new ChannelSecretsError(
          'channel-secrets-key-wrong',
          `The secrets of channel "${channel}" were sealed with a key that is not in CHANNEL_SECRETS_KEY (key id ` +
            `${id}): put that key back (after the new one, comma-separated) or add the channel again.`,
        );
      const bytes = Buffer.from(body, 'base64');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(iv, 'base64'));
        decipher.setAAD(Buffer.from(channel, 'utf8'));
        decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
        return Buffer.concat([
          decipher.update(bytes.subarray(0, bytes.length - TAG_BYTES)),
          decipher.final(),
        ]).toString('utf8');
      } catch {
        // GCM's tag check failed: the row was altered or belongs to another channel. Never say more (no oracle).
        throw new ChannelSecretsError(
          'channel-secrets-key-wrong',
          `The secrets of channel "${channel}" do not open with key ${id}: the stored value was altered; add the channel again.`,
        );
      }
    },
    isStale(sealed) {
      return sealing !== null && sealed.split('.')[1] !== sealing.id;
    },
  };
}
