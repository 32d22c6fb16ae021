/**
 * The clientState check (DOMAIN.md §5). Graph echoes the subscription's clientState in every notification; it is
 * the only proof a POST came from our subscription, so it is compared in constant time. Both sides are written
 * into fixed-size buffers (length prefix + UTF-8 bytes + zero padding) so `timingSafeEqual` always compares equal
 * lengths and the time taken says nothing about the secret: not a matching prefix, not its length. This costs a
 * fraction of hashing both sides, which matters at tens of thousands of notifications a second. Every configured
 * secret is compared (no early exit), so rotation (several secrets) does not leak which one matched.
 *
 * With no secret configured (the embedded demo, where the simulator is the only sender), every notification is
 * accepted and the caller warns once that anyone who can reach the endpoint can enqueue work.
 */
import { timingSafeEqual } from 'node:crypto';

export interface ClientStateCheck {
  /** False when no CLIENT_STATE is configured: everything is accepted. */
  readonly enforced: boolean;
  matches(received: string | null | undefined): boolean;
}

/** Graph allows 255 characters (changeNotification.md); 4 UTF-8 bytes each at most, after a 4-byte length. */
const MAX_BYTES = 255 * 4;
const SLOT = 4 + MAX_BYTES;

function writeSlot(target: Buffer, value: string): boolean {
  target.fill(0);
  const written = target.write(value, 4, 'utf8');
  // `write` stops at the end of the buffer: a value that did not fit entirely cannot be a configured secret.
  if (Buffer.byteLength(value, 'utf8') !== written) return false;
  target.writeUInt32BE(written, 0);
  return true;
}

export function createClientStateCheck(secrets: readonly string[]): ClientStateCheck {
  const expected: Buffer[] = [];
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    const slot = Buffer.alloc(SLOT);
    if (!writeSlot(slot, secret))
      throw new Error('a CLIENT_STATE secret is longer than Graph allows (255 characters)');
    expected.push(slot);
  }
  if (expected.length === 0) return { enforced: false, matches: () => true };
  // Reused for every check: the event loop runs one check at a time.
  const actual = Buffer.alloc(SLOT);
  return {
    enforced: true,
    matches(received) {
      if (typeof received !== 'string' || received.length === 0 || received.length > 255) return false;
      if (!writeSlot(actual, received)) return false;
      let matched = false;
      for (const candidate of expected) {
        // The comparison sits left of ||, so it runs for every secret whatever the earlier results.
        matched = timingSafeEqual(actual, candidate) || matched;
      }
      return matched;
    },
  };
}
