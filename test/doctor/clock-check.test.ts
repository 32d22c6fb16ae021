import { clockCheck } from '../../src/doctor/clock-check';

describe('clock check', () => {
  const graphDate = 'Thu, 03 Dec 2026 11:00:00 GMT';
  const graphMs = Date.parse(graphDate);

  it('is ok within two minutes of Graph, either way', () => {
    expect(clockCheck(graphDate, graphMs + 119_000).status).toBe('ok');
    expect(clockCheck(graphDate, graphMs - 119_000).status).toBe('ok');
  });

  it('warns beyond two minutes and says which way the local clock is off', () => {
    const ahead = clockCheck(graphDate, graphMs + 5 * 60_000);
    expect(ahead).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining('300 s ahead of') as unknown,
    });
    expect(ahead.fix).toMatch(/NTP/);
    expect(clockCheck(graphDate, graphMs - 3 * 60_000).detail).toContain('180 s behind');
  });

  it('is skipped without a usable Date header', () => {
    expect(clockCheck(null, graphMs).status).toBe('skipped');
    expect(clockCheck('not a date', graphMs).status).toBe('skipped');
  });
});
