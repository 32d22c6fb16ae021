/**
 * The clientState check (DOMAIN.md §5). Graph echoes the subscription's clientState in every notification; it is
 * the only proof a POST came from our subscription, so it is compared in constant time: both sides are hashed to
 * equal-length SHA-256 digests first, which makes `timingSafeEqual` usable whatever the lengths and leaks neither
 * the secret's length nor a matching prefix. Every configured secret is compared (no early exit) so that rotation
 * (several secrets) does not leak which one matched.
 *
 * With no secret configured (the embedded demo, where the simulator is the only sender), every notification is
 * accepted and the caller warns once that anyone who can reach the endpoint can enqueue work.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export interface ClientStateCheck {
  /** False when no CLIENT_STATE is configured: everything is accepted. */
  readonly enforced: boolean;
  matches(received: string | null | undefined): boolean;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

export function createClientStateCheck(secrets: readonly string[]): ClientStateCheck {
  const expected = secrets.filter((s) => s.length > 0).map(digest);
  if (expected.length === 0) return { enforced: false, matches: () => true };
  return {
    enforced: true,
    matches(received) {
      if (typeof received !== 'string' || received.length === 0) return false;
      const actual = digest(received);
      let matched = false;
      for (const candidate of expected) {
        // The comparison sits left of ||, so it runs for every secret whatever the earlier results.
        matched = timingSafeEqual(actual, candidate) || matched;
      }
      return matched;
    },
  };
}
