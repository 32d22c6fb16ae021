/**
 * A stable number in [0, 1) for a key: the same on every replica, after every restart and in every version (a hash,
 * not Math.random), so processes that never talk agree on it. What spreads tenants over an interval
 * (background/tenant-slot.ts), subscriptions' expiries (subscriptions/subscription-manager.ts) and a tenant's
 * messages over its Service Bus sessions (queue/service-bus/tenant-session.ts).
 */
import { createHash } from 'node:crypto';

export function stableFraction(key: string): number {
  const digest = createHash('sha256').update(key).digest();
  // 48 bits: exact in a double, and far finer than any use here needs.
  return digest.readUIntBE(0, 6) / 2 ** 48;
}
