/**
 * Destructive commands ask first. Interactive (stdin is a terminal): a y/N prompt on stderr, anything but "y" or
 * "yes" declines. Not interactive (a script, a pipe, CI): nobody can answer, so the command needs `--yes` and is a
 * usage error without it, as `az ... delete` and `gh repo delete` do, rather than hanging or deleting unasked.
 */
import { createInterface } from 'node:readline/promises';
import { ReportedFailure, UsageError } from './cli-error';
import type { Output } from './output';

export interface ConfirmInput {
  yes: boolean;
  /** The command as the admin would type it with --yes, for the message. */
  command: string;
  question: string;
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
}

/** Resolves true when the action may go ahead, false when the admin declined; throws without --yes off a terminal. */
export async function confirm(input: ConfirmInput): Promise<boolean> {
  if (input.yes) return true;
  const stdin = input.stdin ?? process.stdin;
  if (stdin.isTTY !== true) {
    throw new UsageError(
      `${input.command} deletes for good and stdin is not a terminal to ask: add --yes to confirm.`,
    );
  }
  const prompt = createInterface({ input: stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`${input.question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}

/**
 * `confirm`, then go ahead or stop: a declined answer says on stderr that `what` was not done (`ra-watch: channel noc
 * was not removed (the answer was not yes).`) and ends the command with exit code 1.
 */
export async function confirmOrStop(
  input: ConfirmInput & { output: Output; notDone: string },
): Promise<void> {
  if (await confirm(input)) return;
  input.output.error(`ra-watch: ${input.notDone} (the answer was not yes).`);
  throw new ReportedFailure('declined');
}
