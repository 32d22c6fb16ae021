/**
 * Each tenant's own moment in a periodic job's interval (issue 19: 200 tenants, no thundering herd). A job that
 * walked every tenant at the start of its round sent all of their Graph requests in the few seconds of the walk and
 * then nothing for the rest of the interval. Instead each tenant gets a stable phase in [0, interval), a hash of the
 * job and the tenant id, and is run at the times `phase + k × interval` counted from the Unix epoch: so the tenants
 * spread evenly over the interval, and every replica computes the same slots without talking to the others.
 *
 * The job's name is part of the hash, so a tenant's reconcile and its renewal check do not land together either.
 */
import { stableFraction } from '../stable-fraction';

/** The tenant's offset in the job's interval, in ms from the epoch's slot grid. */
export function tenantPhaseMs(job: string, tenantId: string, intervalMs: number): number {
  return Math.floor(stableFraction(`${job}/${tenantId.toLowerCase()}`) * intervalMs);
}

export interface TenantSlots {
  /** The tenant's latest slot at or before `atMs`. */
  slotAtOrBefore(tenantId: string, atMs: number): number;
  /** The tenant's first slot at or after `atMs`. */
  slotAtOrAfter(tenantId: string, atMs: number): number;
}

export function tenantSlots(job: string, intervalMs: number): TenantSlots {
  if (!(intervalMs > 0)) throw new RangeError(`intervalMs must be positive, got ${intervalMs}`);
  const before = (tenantId: string, atMs: number): number => {
    const phase = tenantPhaseMs(job, tenantId, intervalMs);
    return phase + Math.floor((atMs - phase) / intervalMs) * intervalMs;
  };
  return {
    slotAtOrBefore: before,
    slotAtOrAfter: (tenantId, atMs) => {
      const slot = before(tenantId, atMs);
      return slot === atMs ? slot : slot + intervalMs;
    },
  };
}
