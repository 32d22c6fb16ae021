import { compareWithLastAudit } from '../../src/tenant-audit/audit-history';
import { mapWithConcurrency } from '../../src/tenant-audit/bounded-concurrency';

describe('new since the last audit', () => {
  it('with no previous audit, every finding is new and nothing is gone', () => {
    expect(compareWithLastAudit(null, ['a', 'b'])).toEqual({
      newSinceLastAudit: ['a', 'b'],
      goneSinceLastAudit: [],
    });
  });

  it('names what appeared and what went away', () => {
    const previous = { finishedAt: '2026-11-26T08:00:00.000Z', dedupeKeys: ['a', 'b'] };
    expect(compareWithLastAudit(previous, ['b', 'c'])).toEqual({
      newSinceLastAudit: ['c'],
      goneSinceLastAudit: ['a'],
    });
  });
});

describe('bounded concurrency', () => {
  it('keeps order and never has more than the limit in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapWithConcurrency([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight--;
      return n * 2;
    });
    expect(out).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(peak).toBeLessThanOrEqual(3);
    expect(peak).toBeGreaterThan(1);
  });
});
