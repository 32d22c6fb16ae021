/**
 * Which Service Bus session a message goes to: one of its tenant's `SESSIONS_PER_TENANT` sessions (`<tenant>#<n>`),
 * picked by a stable hash of its ordering key (stable-fraction.ts: every sender must agree). Fairness across tenants
 * (issue 19 item 6) on Service Bus comes from this.
 *
 * Why sessions per tenant and not one per ordering key (as before) or a cap in this process:
 * - Service Bus hands out "the next unlocked session that contains active messages" (acceptNextSession), in an
 *   order it does not promise (the test broker: oldest message first), and the SDK can neither list sessions nor
 *   filter the next one by anything. With a session per user, tenant A's bulk change on 20,000 users is 20,000
 *   free sessions ahead of tenant B's one: B waits for the storm, whatever this process caps, because skipping A's
 *   sessions means accepting (and holding) each of them. Deferring or abandoning A's messages would also break
 *   per-user order or count deliveries against them.
 * - With a tenant's work in at most 32 sessions, and a session held by whoever works on its message (one message
 *   per session in flight, session-lease.ts), A can have at most 32 messages in flight across every replica; once
 *   they are taken, the next free session is necessarily another tenant's, whatever order Service Bus keeps. One
 *   worker holds up to 40 (two batches of 20: the app's worker settings, not configurable), more than A's 32, so B's
 *   change is in its next batches. A worker leasing fewer than 33 at a time would not be fair on Service Bus if it
 *   hands out sessions oldest first (as the test broker does): A's free sessions would always be older than B's.
 * - Per-user order holds: one ordering key always hashes to the same session, and a session is FIFO. Two users of
 *   one tenant that share a session are handled one after the other, not side by side; that, and a storm being
 *   worked 32 at a time, is the price (Graph throttles per tenant anyway, so a storm does not go much faster wider).
 *
 * Why 32: at 16, one tenant's burst on three replicas drained too slowly (the replica suite's 10,000 notifications,
 * test/reliability/replicas.test.ts, left 1,563 messages queued at its limit; at 32 it drained in 116 s, against 106 s
 * with a session per user, measured at a higher load); above one worker's 40 in flight,
 * a single worker could be kept busy with A's sessions alone and B's would wait again.
 *
 * The ordering key itself travels in an application property (stored-message.ts); messages queued before this
 * change have their key as session id and are read as before.
 */

import { stableFraction } from '../../stable-fraction';

export const SESSIONS_PER_TENANT = 32;

/** Service Bus limits session ids to 128 characters. */
const MAX_TENANT_LENGTH = 120;

export function sessionIdFor(tenantId: string, orderingKey: string): string {
  const session = Math.floor(stableFraction(orderingKey) * SESSIONS_PER_TENANT);
  return `${tenantId.slice(0, MAX_TENANT_LENGTH)}#${session}`;
}
