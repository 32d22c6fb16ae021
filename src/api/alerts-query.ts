/**
 * What `GET /api/alerts` accepts and how it answers as CSV: the filters the console's alert list offers (state,
 * severity, rule, account by object id, UPN or name search, tenant), validated with clear messages, and the export
 * of the same rows for a spreadsheet (src/export/csv.ts defuses formula-like cells: names come from the tenant).
 */
import { z } from 'zod';
import { RULE_NAMES, subjectLabel } from '../alerts/alert-message';
import { csvTable } from '../export/csv';
import type { Alert, RuleId } from '../glossary';
import { guidSchema } from '../guid';
import { tenantIdField } from './input-schemas';

const RULE_IDS = Object.keys(RULE_NAMES) as [RuleId, ...RuleId[]];

export const listQuery = z.object({
  state: z.enum(['open', 'resolved'], 'must be "open" or "resolved" (leave it out for both)').optional(),
  severity: z.enum(['critical', 'warning', 'info'], 'must be "critical", "warning" or "info"').optional(),
  ruleId: z.enum(RULE_IDS, `must be one of ${RULE_IDS.join(', ')}`).optional(),
  tenantId: tenantIdField.optional(),
  userId: guidSchema('must be the user object id (a GUID)').optional(),
  upn: z.string().trim().min(1, 'must not be empty').max(256, 'must be at most 256 characters').optional(),
  format: z.enum(['json', 'csv'], 'must be "json" or "csv"').default('json'),
  limit: z.coerce
    .number('must be a number')
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(10_000, 'must be at most 10000')
    .default(100),
});

export type ListQuery = z.infer<typeof listQuery>;

const CSV_COLUMNS = [
  'id',
  'tenantId',
  'state',
  'severity',
  'ruleId',
  'rule',
  'account',
  'userPrincipalName',
  'displayName',
  'userId',
  'title',
  'firstSeenAt',
  'lastSeenAt',
  'seenCount',
  'resolvedAt',
  'acknowledgedBy',
  'acknowledgedAt',
  'acknowledgeReason',
  'snoozedUntil',
] as const;

export function alertsCsv(alerts: readonly Alert[]): string {
  return csvTable(
    CSV_COLUMNS,
    alerts.map((alert) => {
      const subject = alert.finding.subject;
      const user = subject.kind === 'user' ? subject : null;
      return [
        alert.id,
        alert.tenantId,
        alert.state,
        alert.severity,
        alert.ruleId,
        RULE_NAMES[alert.ruleId] ?? alert.ruleId,
        subjectLabel(alert),
        user?.userPrincipalName ?? null,
        user?.displayName ?? null,
        alert.userId,
        alert.finding.title,
        alert.firstSeenAt,
        alert.lastSeenAt,
        alert.seenCount,
        alert.resolvedAt,
        alert.acknowledgedBy,
        alert.acknowledgedAt,
        alert.acknowledgeReason,
        alert.snoozedUntil,
      ];
    }),
  );
}
