/**
 * A finding's stable identity: rule, tenant, subject, then whatever tells one incident of the same rule from the next
 * (activity ids for swaps). Ids are lower-cased because Graph, audit text and admin input disagree on GUID case, and
 * the same problem must always produce the same key.
 */
import type { FindingSubject, RuleId } from '../glossary';

export function dedupeKey(ruleId: RuleId, subject: FindingSubject, ...incident: string[]): string {
  const subjectParts = subject.kind === 'user' ? [subject.tenantId, subject.userId] : [subject.tenantId];
  return [ruleId, ...[...subjectParts, ...incident].map((part) => part.trim().toLowerCase())].join(':');
}
