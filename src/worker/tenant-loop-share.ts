/**
 * Fairness across tenants in the worker's loops (issue 19 item 6): one tenant holds at most half the loops, rounded
 * up (as its share of the Graph slots, tenant-fair-semaphore.ts), so a loop is always free to lease another
 * tenant's change within a poll of its arrival. The embedded queue runs four (worker-context.ts): a storm runs on
 * two, and the other tenants have two, so a quiet tenant's second change is not held behind its first. With three
 * loops and one kept back, B's second change made during the first second of A's 20,000-user flood waited for B's
 * first batch (150–360 ms then, its writes queued with the flood's) on the only loop B had.
 *
 * The queue already deals each receive round-robin across tenants (embedded/fair-heads.ts), but that only helps
 * once a loop asks: during tenant A's 20,000-user storm every loop is busy with a batch of A's, and tenant B's
 * change waited for one to finish (Graph read and twenty writes) before anyone leased it. The noisy-neighbour bench
 * measured B at about 3× its idle p95 for that wait. With a loop kept back, A's storm runs on the others and B's
 * change is leased by the free loop's next poll.
 *
 * Leases are taken one loop at a time (`leasing`): two loops deciding at once could both see A under its share and
 * both take it. A tenant counts against a loop from lease to the end of its batch; a batch holding several tenants
 * counts for each. With one loop (concurrency 1) there is nothing to keep back and nobody is excluded; with two or
 * three the rule is "all the loops but one". Service Bus does not filter by tenant (ReceiveOptions.exceptTenants),
 * where a tenant's 32 sessions already cap its share: there the loops lease side by side, unshared
 * (`unsharedLoops`).
 */
import type { TenantId } from '../glossary';
import type { LeasedMessage } from '../queue/queue';
import { tenantOfMessage } from '../queue/message-tenant';

export interface TenantLoopShare {
  /** One batch's claim on the loops, empty until `lease` fills it; `release` it when the batch is done. */
  begin(): BatchClaim;
  /**
   * Runs `lease` with the tenants it must leave alone (those at their share of the loops, except the tenants this
   * batch already holds: a top-up of its own batch takes more of them), and counts what it leased in `claim`.
   */
  lease(
    claim: BatchClaim,
    lease: (exceptTenants: readonly TenantId[]) => Promise<readonly LeasedMessage[]>,
  ): Promise<readonly LeasedMessage[]>;
}

export interface BatchClaim {
  release(): void;
}

export function createTenantLoopShare(loops: number): TenantLoopShare {
  const perTenant = Math.ceil(loops / 2);
  // How many batches in flight hold each tenant.
  const holders = new Map<TenantId, number>();
  const claims = new WeakMap<BatchClaim, Set<TenantId>>();
  let leasing: Promise<unknown> = Promise.resolve();

  const excluded = (own: ReadonlySet<TenantId>): TenantId[] =>
    loops <= 1
      ? []
      : [...holders].flatMap(([tenantId, count]) =>
          count >= perTenant && !own.has(tenantId) ? [tenantId] : [],
        );

  return {
    begin() {
      const own = new Set<TenantId>();
      let released = false;
      const claim: BatchClaim = {
        release() {
          if (released) return;
          released = true;
          for (const tenantId of own) {
            const count = (holders.get(tenantId) ?? 1) - 1;
            if (count > 0) holders.set(tenantId, count);
            else holders.delete(tenantId);
          }
        },
      };
      claims.set(claim, own);
      return claim;
    },

    lease(claim, lease) {
      const own = claims.get(claim);
      if (own === undefined) throw new Error('a batch claim from another share');
      const turn = leasing.then(async () => {
        const messages = await lease(excluded(own));
        for (const message of messages) {
          const tenantId = tenantOfMessage(message.body, message.orderingKey);
          if (own.has(tenantId)) continue;
          own.add(tenantId);
          holders.set(tenantId, (holders.get(tenantId) ?? 0) + 1);
        }
        return messages;
      });
      // The next loop's turn waits for this lease, whatever its outcome; the caller sees the outcome.
      leasing = turn.catch(() => undefined);
      return turn;
    },
  };
}

/** Every loop leases for itself, at any time, nobody left out: for a queue that cannot leave tenants out. */
export function unsharedLoops(): TenantLoopShare {
  const claim: BatchClaim = { release: () => undefined };
  return {
    begin: () => claim,
    lease: (_claim, lease) => lease([]),
  };
}
