import { ReplayInputError } from '../../src/replay/replay-input-error';
import { parseReplaySelection, parseReplayTime } from '../../src/replay/replay-range';

const now = new Date('2026-11-27T08:00:00.000Z');

function inputError(run: () => unknown): ReplayInputError {
  try {
    run();
  } catch (error) {
    if (error instanceof ReplayInputError) return error;
    throw error;
  }
  throw new Error('expected a ReplayInputError');
}

describe('a replay selection', () => {
  it('reads relative starts as that long before now and defaults "to" to now', () => {
    expect(parseReplaySelection({ from: '7d' }, now)).toEqual({
      from: '2026-11-20T08:00:00.000Z',
      to: '2026-11-27T08:00:00.000Z',
      tenantId: null,
      userId: null,
      upn: null,
      ruleId: null,
      subscriptionId: null,
    });
    expect(parseReplayTime('from', '90m', now).toISOString()).toBe('2026-11-27T06:30:00.000Z');
    expect(parseReplayTime('from', '24h', now).toISOString()).toBe('2026-11-26T08:00:00.000Z');
    expect(parseReplayTime('from', '2w', now).toISOString()).toBe('2026-11-13T08:00:00.000Z');
  });

  it('reads ISO 8601 with Z, offsets, 7 fractional digits and bare dates as UTC', () => {
    expect(parseReplayTime('from', '2026-11-24T10:00:00+01:00', now).toISOString()).toBe(
      '2026-11-24T09:00:00.000Z',
    );
    expect(parseReplayTime('from', '2026-11-24T10:00:00.1234567Z', now).toISOString()).toBe(
      '2026-11-24T10:00:00.123Z',
    );
    expect(parseReplayTime('from', '2026-11-24', now).toISOString()).toBe('2026-11-24T00:00:00.000Z');
    expect(parseReplayTime('to', 'now', now)).toBe(now);
  });

  it('normalises ids and keeps the narrowing fields', () => {
    const selection = parseReplaySelection(
      {
        from: '2026-11-24',
        to: '2026-11-25',
        tenantId: '5F1C9A3E-7D2B-4C8E-9A61-3B0D4E2F8C17',
        userId: 'A3F6C2D1-9B84-4E7A-8C15-6D2E0F9B7A41',
        ruleId: 'ra.non-atomic-swap',
        subscriptionId: 'sub-1',
      },
      now,
    );
    expect(selection).toMatchObject({
      tenantId: '5f1c9a3e-7d2b-4c8e-9a61-3b0d4e2f8c17',
      userId: 'a3f6c2d1-9b84-4e7a-8c15-6d2e0f9b7a41',
      ruleId: 'ra.non-atomic-swap',
      subscriptionId: 'sub-1',
    });
  });

  it('clamps a "to" in the future to now', () => {
    expect(parseReplaySelection({ from: '1d', to: '2026-12-31' }, now).to).toBe(now.toISOString());
  });

  it.each([
    ['a missing start', { to: '1d' }, 'from', /"from" is required/],
    ['an inverted range', { from: '2026-11-25', to: '2026-11-24' }, 'to', /inverted or empty/],
    ['an empty range', { from: '2026-11-24', to: '2026-11-24' }, 'to', /inverted or empty/],
    ['a start in the future', { from: '2026-12-01' }, 'from', /in the future/],
    ['a time without a zone', { from: '2026-11-24T10:00' }, 'from', /no time zone/],
    ['an impossible date', { from: '2026-02-30' }, 'from', /not a real date/],
    ['gibberish', { from: 'last tuesday' }, 'from', /neither an ISO 8601 time nor a duration/],
    [
      'an unknown rule',
      { from: '1d', ruleId: 'ra.nope' },
      'ruleId',
      /Unknown rule "ra.nope"; replayable rules: ra.unlicensed/,
    ],
    ['a tenant rule', { from: '1d', ruleId: 'ra.allocation-exceeded' }, 'ruleId', /no events to replay/],
    ['a user id that is not a GUID', { from: '1d', userId: 'bob' }, 'userId', /object id \(a GUID\)/],
    [
      'both user id and upn',
      { from: '1d', userId: 'a3f6c2d1-9b84-4e7a-8c15-6d2e0f9b7a41', upn: 'a@b.c' },
      'upn',
      /either/,
    ],
    ['a upn without @', { from: '1d', upn: 'bob' }, 'upn', /user principal name/],
  ])('refuses %s with a message naming the field and an example', (_name, input, field, message) => {
    const error = inputError(() => parseReplaySelection(input, now));
    expect(error.field).toBe(field);
    expect(error.code).toBe('invalid-selection');
    expect(error.message).toMatch(message);
    expect(error.message).toContain(`(example: ${field}=`);
  });
});
