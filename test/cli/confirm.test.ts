/**
 * Destructive commands ask first: on a terminal a y/N question (only "y"/"yes" goes ahead), off a terminal a usage
 * error naming --yes. The terminal is a real stream marked isTTY, fed the admin's answer.
 */
import { PassThrough } from 'node:stream';
import { UsageError } from '../../src/cli/cli-error';
import { confirm } from '../../src/cli/confirm';

function terminal(answer: string): PassThrough & { isTTY: boolean } {
  const stdin = Object.assign(new PassThrough(), { isTTY: true });
  setImmediate(() => stdin.write(answer));
  return stdin;
}

const ask = { command: 'ra-watch subscriptions delete sub-1', question: 'Delete sub-1?' };

describe('confirm', () => {
  it.each([
    ['y\n', true],
    ['YES\n', true],
    ['n\n', false],
    ['\n', false],
    ['yess\n', false],
  ])('answer %j on a terminal → %s', async (answer, expected) => {
    expect(await confirm({ ...ask, yes: false, stdin: terminal(answer) })).toBe(expected);
  });

  it('off a terminal: needs --yes, and goes ahead with it without reading stdin', async () => {
    const pipe = new PassThrough();
    await expect(confirm({ ...ask, yes: false, stdin: pipe })).rejects.toThrow(UsageError);
    await expect(confirm({ ...ask, yes: false, stdin: pipe })).rejects.toThrow(/add --yes to confirm/);
    expect(await confirm({ ...ask, yes: true, stdin: pipe })).toBe(true);
  });
});
