/**
 * A schedule written as a comma list of durations (`30s,1m,90s,2m`, units `ms`, `s`, `m`, `h`), read as milliseconds.
 * SWAP_AUDIT_SCHEDULE and GROUP_LICENSE_RECHECK_SCHEDULE are such lists: the times after a change at which to look
 * again. A schedule must rise strictly (each look later than the one before), so a typo cannot turn two looks into
 * one or run the schedule backwards.
 */
import { z } from 'zod';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/i;
/** More looks than this is a mistake (a schedule of seconds typed as milliseconds, say), not a plan. */
const MAX_ENTRIES = 50;

/** One duration in milliseconds, or null when the text is not one. */
export function parseDuration(text: string): number | null {
  const match = DURATION.exec(text.trim());
  if (match === null) return null;
  const unit = (match[2] ?? '').toLowerCase() as keyof typeof UNIT_MS;
  const ms = Number(match[1]) * UNIT_MS[unit];
  return Number.isSafeInteger(Math.round(ms)) ? Math.round(ms) : null;
}

/** The problem with a schedule in milliseconds, or null when it is a usable one. */
export function scheduleProblem(schedule: readonly number[], maxMs: number): string | null {
  if (schedule.length === 0) return 'is empty';
  if (schedule.length > MAX_ENTRIES) return `has more than ${MAX_ENTRIES} entries`;
  for (let i = 0; i < schedule.length; i++) {
    const at = schedule[i] ?? 0;
    if (!Number.isSafeInteger(at) || at < 0) return `has an entry that is not a duration (${String(at)})`;
    if (at > maxMs) return `has an entry beyond ${maxMs / 3_600_000} h`;
    if (i > 0 && at <= (schedule[i - 1] ?? 0))
      return 'does not rise: each entry must be later than the one before';
  }
  return null;
}

/** The zod schema of such a variable: a rising comma list of durations, each at most `maxMs`. */
export function durationListSchema(maxMs: number): z.ZodType<number[], string> {
  return z.string().transform((value, ctx) => {
    const items = value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    const schedule: number[] = [];
    for (const item of items) {
      const ms = parseDuration(item);
      if (ms === null) {
        ctx.addIssue({
          code: 'custom',
          message: `has "${item}", which is not a duration such as 45s, 2m or 1h`,
        });
        return z.NEVER;
      }
      schedule.push(ms);
    }
    const problem = scheduleProblem(schedule, maxMs);
    if (problem !== null) {
      ctx.addIssue({ code: 'custom', message: problem });
      return z.NEVER;
    }
    return schedule;
  });
}
