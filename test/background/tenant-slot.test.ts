/**
 * Each tenant's slot in a job's interval (issue 19): stable, different per job, and spread evenly enough over the
 * interval that 200 tenants never bunch into a burst.
 */
import { tenantPhaseMs, tenantSlots } from '../../src/background/tenant-slot';
import { stableFraction } from '../../src/stable-fraction';

const MINUTE = 60_000;
const INTERVAL = 15 * MINUTE;
const tenantIds = Array.from(
  { length: 200 },
  (_, t) => `${(t + 0xa0000000).toString(16)}-0000-4000-8000-${t.toString(16).padStart(12, '0')}`,
);

/** The most of `sorted` in any window of `windowMs`. */
function mostInWindow(sorted: number[], windowMs: number): number {
  let best = 0;
  let from = 0;
  for (let to = 0; to < sorted.length; to++) {
    while (sorted[to]! - sorted[from]! >= windowMs) from++;
    best = Math.max(best, to - from + 1);
  }
  return best;
}

describe('tenant slots', () => {
  it('gives a tenant the same phase every time, in [0, interval), whatever the case of its id', () => {
    const phase = tenantPhaseMs('delta-reconcile', tenantIds[7]!, INTERVAL);
    expect(phase).toBeGreaterThanOrEqual(0);
    expect(phase).toBeLessThan(INTERVAL);
    expect(tenantPhaseMs('delta-reconcile', tenantIds[7]!.toUpperCase(), INTERVAL)).toBe(phase);
    expect(stableFraction('x')).toBe(stableFraction('x'));
  });

  it('puts the same tenant at different moments for different jobs', () => {
    const same = tenantIds.filter(
      (t) =>
        tenantPhaseMs('delta-reconcile', t, INTERVAL) === tenantPhaseMs('subscription-renewal', t, INTERVAL),
    );
    expect(same).toEqual([]);
  });

  it('spreads 200 tenants over the interval: no minute holds three times its even share', () => {
    const phases = tenantIds.map((t) => tenantPhaseMs('delta-reconcile', t, INTERVAL)).sort((a, b) => a - b);
    const evenShare = tenantIds.length / 15;
    expect(mostInWindow(phases, MINUTE)).toBeLessThanOrEqual(3 * evenShare);
    // Every third of the interval has some (not all bunched at the start, as the old round was).
    for (let third = 0; third < 3; third++) {
      const inThird = phases.filter((p) => p >= (third * INTERVAL) / 3 && p < ((third + 1) * INTERVAL) / 3);
      expect(inThird.length).toBeGreaterThan(tenantIds.length / 6);
    }
  });

  it('finds the slot at or before and at or after a moment, one interval apart', () => {
    const slots = tenantSlots('delta-reconcile', INTERVAL);
    const at = Date.parse('2026-12-03T09:00:00.000Z');
    const before = slots.slotAtOrBefore('tenant-a', at);
    const after = slots.slotAtOrAfter('tenant-a', at);
    expect(before).toBeLessThanOrEqual(at);
    expect(at - before).toBeLessThan(INTERVAL);
    expect(after).toBeGreaterThanOrEqual(at);
    expect(after - before === INTERVAL || after === before).toBe(true);
    expect(slots.slotAtOrAfter('tenant-a', before)).toBe(before);
    expect(slots.slotAtOrBefore('tenant-a', before + INTERVAL - 1)).toBe(before);
    expect(() => tenantSlots('x', 0)).toThrow(RangeError);
  });
});
