/**
 * What an alert says, built once as a plain structure and rendered per sink (Slack blocks, a Teams card, e-mail),
 * so every channel gives the admin the same account, proof, reason and steps.
 */
import type { Alert, IsoTime, OutboxKind, RuleId, Severity, TenantId } from '../glossary';
import { evidenceActivities, evidenceFacts, type ActivityLine, type Fact } from './evidence-facts';

export type { ActivityLine, Fact } from './evidence-facts';

export interface MessageAccount {
  displayName: string | null;
  userPrincipalName: string | null;
  userId: string;
}

export interface AlertMessage {
  type: 'alert';
  /** `test`: a message from `alerts test-sinks`, not about any account. */
  kind: OutboxKind | 'test';
  alertId: string;
  tenantId: TenantId;
  /** "Contoso Ltd (contoso.onmicrosoft.com)": the customer's name from the tenant registry, when known (issue 19). */
  tenantLabel?: string;
  ruleId: RuleId | 'test';
  /** "Non-atomic license swap": the rule in words, for headers and subject lines. */
  ruleName: string;
  severity: Severity;
  /** The finding's one-line title. */
  title: string;
  /** Null for tenant-level findings (allocation). */
  account: MessageAccount | null;
  /** How the subject is named in one short string: the UPN, else the display name, else the id, else the tenant. */
  subjectLabel: string;
  facts: Fact[];
  activities: ActivityLine[];
  whyItMatters: string;
  remediation: string[];
  /** The alert's page in the web console, when PUBLIC_BASE_URL is known. */
  link: string | null;
  firstSeenAt: IsoTime;
  lastSeenAt: IsoTime;
  resolvedAt: IsoTime | null;
  seenCount: number;
  replayed: boolean;
}

/** One line of a digest or burst summary. */
export interface DigestItem {
  alertId: string;
  kind: OutboxKind;
  severity: Severity;
  ruleName: string;
  title: string;
  subjectLabel: string;
  since: IsoTime;
  link: string | null;
}

/** Many alerts in one message: the daily digest, or a burst grouped so a bulk change does not post hundreds. */
export interface AlertDigest {
  type: 'digest';
  kind: 'daily' | 'burst';
  tenantId: TenantId;
  /** The customer's name from the tenant registry, when known (issue 19). */
  tenantLabel?: string;
  title: string;
  generatedAt: IsoTime;
  /** How many alerts in all (items shown plus `moreCount`). */
  total: number;
  countsByRule: Array<{ ruleId: RuleId; ruleName: string; count: number }>;
  countsBySeverity: Record<Severity, number>;
  /** The first N, most severe first. */
  items: DigestItem[];
  moreCount: number;
  /** The free allocation, as lines, when the digest was given one. */
  allocation: Fact[] | null;
}

export const RULE_NAMES: Record<RuleId, string> = {
  'ra.unlicensed': 'Unlicensed resource account',
  'ra.license-on-user': 'Resource Account license on a user',
  'ra.standard-on-ra': 'Teams Phone Standard on a resource account',
  'ra.non-atomic-swap': 'Non-atomic license swap',
  'ra.allocation-exceeded': 'Free allocation exceeded',
  'ra.allocation-unclaimed': 'Free allocation not claimed',
  'watch.blind': 'ra-watch cannot watch this tenant',
};

export const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

/** The console page every channel's "Open in ra-watch" opens (served at `/`, src/console): a browser, not a JSON
 * API, follows it, and an admin who is not signed in signs in on that page and stays on it. */
export const ALERT_PAGE_PATH = '/alert.html';

export function alertLink(publicBaseUrl: string | null, alertId: string): string | null {
  return publicBaseUrl === null
    ? null
    : `${publicBaseUrl.replace(/\/+$/, '')}${ALERT_PAGE_PATH}?id=${encodeURIComponent(alertId)}`;
}

export function subjectLabel(alert: Alert): string {
  const subject = alert.finding.subject;
  if (subject.kind === 'tenant') return `tenant ${subject.tenantId}`;
  return subject.userPrincipalName ?? subject.displayName ?? subject.userId;
}

export function buildAlertMessage(
  alert: Alert,
  kind: OutboxKind,
  options: { publicBaseUrl: string | null; tenantLabel?: string | null },
): AlertMessage {
  const { finding } = alert;
  const subject = finding.subject;
  return {
    type: 'alert',
    kind,
    alertId: alert.id,
    tenantId: alert.tenantId,
    ...(options.tenantLabel === null || options.tenantLabel === undefined
      ? {}
      : { tenantLabel: options.tenantLabel }),
    ruleId: alert.ruleId,
    ruleName: RULE_NAMES[alert.ruleId] ?? alert.ruleId,
    severity: alert.severity,
    title: finding.title,
    account:
      subject.kind === 'user'
        ? {
            displayName: subject.displayName,
            userPrincipalName: subject.userPrincipalName,
            userId: subject.userId,
          }
        : null,
    subjectLabel: subjectLabel(alert),
    facts: evidenceFacts(finding.evidence),
    activities: evidenceActivities(finding.evidence),
    whyItMatters: finding.whyItMatters,
    remediation: [...finding.remediation],
    link: alertLink(options.publicBaseUrl, alert.id),
    firstSeenAt: alert.firstSeenAt,
    lastSeenAt: alert.lastSeenAt,
    resolvedAt: alert.resolvedAt,
    seenCount: alert.seenCount,
    replayed: alert.replayed,
  };
}

/** The message `alerts test-sinks` sends: clearly a test, shaped like a real alert so every renderer is exercised. */
export function buildTestMessage(at: IsoTime, tenantId: TenantId = 'test'): AlertMessage {
  return {
    type: 'alert',
    kind: 'test',
    alertId: 'test',
    tenantId,
    ruleId: 'test',
    ruleName: 'Test message',
    severity: 'info',
    title: 'ra-watch can deliver alerts to this channel',
    account: null,
    subjectLabel: 'this channel',
    facts: [{ label: 'Sent at', value: at }],
    activities: [],
    whyItMatters: 'Sent by `ra-watch alerts test-sinks` to check the configuration. No action is needed.',
    remediation: [],
    link: null,
    firstSeenAt: at,
    lastSeenAt: at,
    resolvedAt: null,
    seenCount: 1,
    replayed: false,
  };
}

/** A one-line headline every renderer shares: "[critical] Non-atomic license swap" / "[resolved] ...". */
export function headline(message: AlertMessage): string {
  if (message.kind === 'resolved') return `Resolved: ${message.ruleName}`;
  if (message.kind === 'test') return `[test] ${message.ruleName}`;
  return `[${message.severity}] ${message.ruleName}`;
}

/** Subject line that sorts well in an inbox: `[ra-watch][critical] Non-atomic license swap on aa-reception@contoso.com`. */
export function subjectLine(message: AlertMessage | AlertDigest): string {
  if (message.type === 'digest')
    return `[ra-watch][${message.kind === 'daily' ? 'digest' : 'summary'}] ${message.title}`;
  const tag = message.kind === 'opened' ? message.severity : message.kind;
  return `[ra-watch][${tag}] ${message.ruleName} on ${message.subjectLabel}`;
}

/** What a resolved message says about the alert it closes, so the reader can find the original. */
export function resolvedNote(message: AlertMessage): string {
  return `Resolved${message.resolvedAt === null ? '' : ` at ${message.resolvedAt}`}. This closes alert ${message.alertId} ("${message.title}"), opened at ${message.firstSeenAt} and seen ${message.seenCount} time(s).`;
}
