/**
 * How a zod failure is worded for a person: each wrong field named by its path (`value[3].changeType: Invalid
 * option`), joined with `; `. The one formatter for API 400s, Graph notification bodies, Graph answers of an
 * unexpected shape and unreadable audit records, so a reader sees one way of naming a field wherever it went wrong.
 */
import type { z } from 'zod';

export interface IssueWording {
  /** What a problem with the whole value is called: `(body)` for a request, `(root)` for a Graph answer. */
  root: string;
  /** Name at most this many problems and count the rest (a Graph page can hold hundreds of bad items). */
  limit?: number;
  /** Path segments in front of every issue's own, for an item validated on its own inside a larger body. */
  prefix?: readonly PropertyKey[];
}

/** `value[3].resourceData.id` from zod's path segments; `root` when the path is empty. */
export function issuePath(path: readonly PropertyKey[], root: string): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out === '' ? root : out;
}

/** Every problem of `error` (or the first `limit`, with a count of the rest) as `path: message`. */
export function describeIssues(error: z.ZodError, wording: IssueWording): string {
  const prefix = wording.prefix ?? [];
  const named = wording.limit === undefined ? error.issues : error.issues.slice(0, wording.limit);
  if (named.length === 0) return `${issuePath(prefix, wording.root)}: is invalid`;
  const rest = error.issues.length - named.length;
  const more = rest > 0 ? ` (and ${rest} more problem(s))` : '';
  return (
    named
      .map((issue) => `${issuePath([...prefix, ...issue.path], wording.root)}: ${issue.message}`)
      .join('; ') + more
  );
}
