/**
 * The `$filter` forms of `GET /auditLogs/directoryAudits` that ra-watch uses (graph-samples README §7):
 * `targetResources/any(t: t/id eq '{id}')`, `activityDateTime ge|le {unquoted datetime}`,
 * `activityDisplayName eq '...'`, `correlationId eq '...'`, `category eq '...'`, clauses joined by `and`, and a
 * parenthesised `or` of such clauses. Anything else is refused with 400 as Graph refuses an unsupported filter,
 * so a client that builds a filter Graph would not take finds out here, not in production.
 */
import type { AuditRecord } from './license-audit-records';

export type AuditPredicate = (record: AuditRecord) => boolean;

export class AuditFilterError extends Error {}

export function parseAuditFilter(filter: string): AuditPredicate {
  const clauses = splitTopLevel(filter.trim(), 'and');
  const predicates = clauses.map(parseClause);
  return (record) => predicates.every((p) => p(record));
}

function parseClause(raw: string): AuditPredicate {
  const clause = raw.trim();
  if (clause.startsWith('(') && clause.endsWith(')') && balanced(clause.slice(1, -1))) {
    const alternatives = splitTopLevel(clause.slice(1, -1), 'or').map(parseClause);
    return (record) => alternatives.some((p) => p(record));
  }
  const any =
    /^targetResources\/any\((\w+)\s*:\s*\1\/(id|userPrincipalName|displayName)\s+eq\s+'([^']*)'\)$/i.exec(
      clause,
    );
  if (any) {
    const field = any[2] ?? 'id';
    const value = (any[3] ?? '').toLowerCase();
    return (record) =>
      targets(record).some((t) => typeof t[field] === 'string' && t[field].toLowerCase() === value);
  }
  const time = /^activityDateTime\s+(ge|le|gt|lt)\s+(\S+)$/i.exec(clause);
  if (time) {
    const at = Date.parse(time[2] ?? '');
    if (Number.isNaN(at) || (time[2] ?? '').startsWith("'"))
      throw new AuditFilterError(
        `Invalid filter clause: the datetime '${time[2] ?? ''}' must be an unquoted ISO-8601 value.`,
      );
    const op = (time[1] ?? '').toLowerCase();
    return (record) => {
      const t = Date.parse(record.activityDateTime);
      return op === 'ge' ? t >= at : op === 'le' ? t <= at : op === 'gt' ? t > at : t < at;
    };
  }
  const eq = /^(activityDisplayName|correlationId|category|loggedByService)\s+eq\s+'([^']*)'$/i.exec(clause);
  if (eq) {
    const field = eq[1] ?? '';
    const key = field.charAt(0).toLowerCase() + field.slice(1);
    return (record) => record[key] === eq[2];
  }
  throw new AuditFilterError(`Invalid filter clause: '${clause}' is not supported on directoryAudits.`);
}

function targets(record: AuditRecord): Array<Record<string, unknown>> {
  const list = record['targetResources'];
  return Array.isArray(list) ? (list as Array<Record<string, unknown>>) : [];
}

/** Splits on a keyword surrounded by spaces, outside parentheses and quotes. */
function splitTopLevel(text: string, keyword: 'and' | 'or'): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  const token = ` ${keyword} `;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth--;
    else if (!quoted && depth === 0 && text.slice(i, i + token.length).toLowerCase() === token) {
      parts.push(text.slice(start, i));
      start = i + token.length;
      i += token.length - 1;
    }
  }
  parts.push(text.slice(start));
  return parts.filter((p) => p.trim().length > 0);
}

function balanced(text: string): boolean {
  let depth = 0;
  for (const c of text) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (depth < 0) return false;
  }
  return depth === 0;
}
