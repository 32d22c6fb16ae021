import { csvCell } from '../../src/export/csv';

describe('CSV cells', () => {
  it.each([
    [null, ''],
    [12, '12'],
    ['plain', 'plain'],
    ['-1+2', "'-1+2"],
    ['line\nbreak', '"line\nbreak"'],
  ])('cell %p -> %p', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });
});
