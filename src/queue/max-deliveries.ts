/**
 * The `maxDeliveries` rule both queue adapters share: a message delivered `maxDeliveries` times without being
 * completed is not delivered again but dead-lettered with the reason `MAX_DELIVERIES_EXCEEDED` (a message that keeps
 * killing or timing out its consumer must not block its key for ever). Service Bus applies it itself for its own
 * deliveries; the adapter applies it too, counting the copies a delayed abandon made. Both adapters check the setting
 * with `checkMaxDeliveries`, also when a test builds one directly.
 *
 * A file of its own (not open-queue.ts) so that the adapters and their opener do not import each other.
 */

/** The dead-letter reason of a message that ran out of deliveries, spelled alike on every adapter. */
export const MAX_DELIVERIES_EXCEEDED = 'max deliveries exceeded';

/** Throws unless `maxDeliveries` is a whole number of at least 1. */
export function checkMaxDeliveries(maxDeliveries: number): void {
  if (!Number.isInteger(maxDeliveries) || maxDeliveries < 1) {
    throw new Error(`maxDeliveries must be a whole number of at least 1, got ${maxDeliveries}`);
  }
}

/**
 * True when a message about to be delivered for the `delivery`-th time (1 = first) is beyond the limit and goes to
 * the dead letters instead.
 */
export function exceedsMaxDeliveries(delivery: number, maxDeliveries: number): boolean {
  return delivery > maxDeliveries;
}
