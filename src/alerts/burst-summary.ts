/**
 * One message for many alerts: a full audit or a bulk license change can open hundreds of alerts at once, and a
 * channel that receives hundreds of posts is muted, not read. The summary lists the first few (most severe first),
 * says how many more, and counts per rule; each alert stays in the API with its own details.
 */
import type { Alert, OutboxKind, RuleId, Severity } from '../glossary';
import {
  alertLink,
  RULE_NAMES,
  SEVERITY_ORDER,
  subjectLabel,
  type AlertDigest,
  type DigestItem,
  type Fact,
} from './alert-message';

export interface SummaryInput {
  kind: AlertDigest['kind'];
  tenantId: string;
  /** The customer's name (issue 19), when the registry knows it. */
  tenantLabel?: string | null;
  title: string;
  at: string;
  items: Array<{ alert: Alert; kind: OutboxKind }>;
  listSize: number;
  publicBaseUrl: string | null;
  allocation?: Fact[] | null;
}

export function summarise(input: SummaryInput): AlertDigest {
  const sorted = [...input.items].sort(
    (a, b) =>
      SEVERITY_ORDER[a.alert.severity] - SEVERITY_ORDER[b.alert.severity] ||
      a.alert.ruleId.localeCompare(b.alert.ruleId) ||
      subjectLabel(a.alert).localeCompare(subjectLabel(b.alert)),
  );
  const byRule = new Map<RuleId, number>();
  const bySeverity: Record<Severity, number> = { critical: 0, warning: 0, info: 0 };
  for (const { alert } of sorted) {
    byRule.set(alert.ruleId, (byRule.get(alert.ruleId) ?? 0) + 1);
    bySeverity[alert.severity] += 1;
  }
  const items: DigestItem[] = sorted.slice(0, input.listSize).map(({ alert, kind }) => ({
    alertId: alert.id,
    kind,
    severity: alert.severity,
    ruleName: RULE_NAMES[alert.ruleId] ?? alert.ruleId,
    title: alert.finding.title,
    subjectLabel: subjectLabel(alert),
    since: alert.firstSeenAt,
    link: alertLink(input.publicBaseUrl, alert.id),
  }));
  return {
    type: 'digest',
    kind: input.kind,
    tenantId: input.tenantId,
    ...(input.tenantLabel === null || input.tenantLabel === undefined
      ? {}
      : { tenantLabel: input.tenantLabel }),
    title: input.title,
    generatedAt: input.at,
    total: sorted.length,
    countsByRule: [...byRule.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([ruleId, count]) => ({ ruleId, ruleName: RULE_NAMES[ruleId] ?? ruleId, count })),
    countsBySeverity: bySeverity,
    items,
    moreCount: Math.max(0, sorted.length - items.length),
    allocation: input.allocation ?? null,
  };
}

/** "37 alerts at once (12 critical, 25 warning)": the burst summary's title. */
export function burstTitle(items: Array<{ alert: Alert; kind: OutboxKind }>, tenantId: string): string {
  const opened = items.filter((i) => i.kind === 'opened').length;
  const resolved = items.length - opened;
  const parts = [opened > 0 ? `${opened} new` : null, resolved > 0 ? `${resolved} resolved` : null].filter(
    (p) => p !== null,
  );
  return `${items.length} alerts at once for tenant ${tenantId} (${parts.join(', ')}): an audit or a bulk change`;
}
