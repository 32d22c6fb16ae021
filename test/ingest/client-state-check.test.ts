import { createClientStateCheck } from '../../src/ingest/client-state-check';

describe('the constant-time clientState check', () => {
  const check = createClientStateCheck(['ra-watch-7Qk2vX9pLm', 'ünïcødé-secret-0123']);

  it.each([
    ['the first secret', 'ra-watch-7Qk2vX9pLm', true],
    ['the second secret (rotation), with multi-byte characters', 'ünïcødé-secret-0123', true],
    ['a prefix of a secret', 'ra-watch-7Qk2vX9pL', false],
    ['a secret with one more character', 'ra-watch-7Qk2vX9pLmx', false],
    ['a secret followed by a NUL (the padding byte)', 'ra-watch-7Qk2vX9pLm\u0000', false],
    ['another case', 'RA-WATCH-7QK2VX9PLM', false],
    ['an empty string', '', false],
    ['more than Graph allows', 'x'.repeat(256), false],
  ])('%s → %s', (_what, value, expected) => {
    expect(check.enforced).toBe(true);
    expect(check.matches(value)).toBe(expected);
  });

  it('refuses a missing clientState when a secret is configured', () => {
    expect(check.matches(null)).toBe(false);
    expect(check.matches(undefined)).toBe(false);
  });

  it('accepts everything when no secret is configured (the demo)', () => {
    const open = createClientStateCheck([]);
    expect(open.enforced).toBe(false);
    expect(open.matches(undefined)).toBe(true);
  });
});
