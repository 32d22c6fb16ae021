/**
 * How long an unexpectedly failed message waits before its next delivery: exponential in the delivery count, capped,
 * with "equal jitter" (half fixed, half random) so that a batch that failed together (a store hiccup, a Graph outage)
 * does not come back as one thundering herd, yet never retries at once. The queue dead-letters after its maximum
 * number of deliveries, so this never has to decide when to give up.
 */
export function retryDelayMs(
  deliveryCount: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, Math.min(deliveryCount - 1, 30));
  const ceiling = Math.min(maxMs, baseMs * 2 ** exponent);
  const half = ceiling / 2;
  return Math.round(half + random() * half);
}
