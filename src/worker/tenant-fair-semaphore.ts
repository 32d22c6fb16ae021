/**
 * The worker's share of Graph between tenants (issue 19 item 6): at most `slots` Graph reads in flight, and at most
 * half of them (ceil(slots / 2)) for any one tenant, so tenant A's storm, or A's reads sitting out a throttle
 * (graph-http.ts waits a Retry-After in-process, up to its maxDelayMs), can never hold every slot while tenant B's
 * read waits. When a slot frees, it goes to the waiting tenant that holds the fewest slots (ties: the read waiting
 * longest); a tenant's own reads start in the order they were asked for.
 *
 * The cap holds even when no other tenant waits: a slot kept for a tenant that may arrive is what lets B's one read
 * start at once instead of after one of A's ends; A's storm is paced by Graph's per-tenant throttling far more
 * than by half the slots.
 */

export interface TenantFairSemaphore {
  /** Runs `task` once the tenant has a slot; the slot is given back however the task ends. */
  run<T>(tenantId: string, task: () => Promise<T>): Promise<T>;
  /** Slots in use and reads waiting, per tenant (tests, diagnostics). */
  usage(): { inUse: Record<string, number>; waiting: Record<string, number> };
}

interface Waiter {
  order: number;
  grant: () => void;
}

export function createTenantFairSemaphore(slots: number): TenantFairSemaphore {
  if (!Number.isSafeInteger(slots) || slots < 1)
    throw new RangeError(`Graph slots must be a whole number of at least 1, got ${String(slots)}`);
  const perTenant = Math.ceil(slots / 2);
  const inUse = new Map<string, number>();
  const waiting = new Map<string, Waiter[]>();
  let total = 0;
  let asked = 0;

  const held = (tenantId: string) => inUse.get(tenantId) ?? 0;
  const mayTake = (tenantId: string) => total < slots && held(tenantId) < perTenant;
  const take = (tenantId: string) => {
    total += 1;
    inUse.set(tenantId, held(tenantId) + 1);
  };
  const give = (tenantId: string) => {
    total -= 1;
    const left = held(tenantId) - 1;
    if (left === 0) inUse.delete(tenantId);
    else inUse.set(tenantId, left);
  };

  /** Hands free slots to waiters: the tenant holding fewest first, then the longest wait. */
  const grantWaiting = () => {
    for (;;) {
      let chosen: { tenantId: string; queue: Waiter[] } | null = null;
      for (const [tenantId, queue] of waiting) {
        if (!mayTake(tenantId)) continue;
        if (
          chosen === null ||
          held(tenantId) < held(chosen.tenantId) ||
          (held(tenantId) === held(chosen.tenantId) && queue[0]!.order < chosen.queue[0]!.order)
        )
          chosen = { tenantId, queue };
      }
      if (chosen === null) return;
      const waiter = chosen.queue.shift()!;
      if (chosen.queue.length === 0) waiting.delete(chosen.tenantId);
      take(chosen.tenantId);
      waiter.grant();
    }
  };

  const acquire = (tenantId: string): Promise<void> => {
    // Behind the tenant's own earlier reads, if any wait.
    if (!waiting.has(tenantId) && mayTake(tenantId)) {
      take(tenantId);
      return Promise.resolve();
    }
    return new Promise<void>((grant) => {
      const queue = waiting.get(tenantId) ?? [];
      queue.push({ order: asked++, grant });
      waiting.set(tenantId, queue);
    });
  };

  return {
    async run(tenantId, task) {
      await acquire(tenantId);
      try {
        return await task();
      } finally {
        give(tenantId);
        grantWaiting();
      }
    },
    usage() {
      return {
        inUse: Object.fromEntries(inUse),
        waiting: Object.fromEntries([...waiting].map(([tenantId, queue]) => [tenantId, queue.length])),
      };
    },
  };
}
