/**
 * An alert as an e-mail: a subject that sorts well in an inbox and HTML and plain-text parts with the same content
 * (some admins read mail as text only, and a ticketing tool may keep only one part). The HTML's inline styling is
 * render-email-html.ts.
 */
import { tenantText } from '../tenants/tenant-names';
import type { AlertDigest, AlertMessage, Fact } from './alert-message';
import { headline, resolvedNote, subjectLine } from './alert-message';
import { describeActivity, readableTime } from './evidence-facts';
import { asHtml, type EmailPart as Part, type EmailTone } from './render-email-html';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

function asText(title: string, parts: Part[]): string {
  const out: string[] = [title, '='.repeat(Math.min(title.length, 72)), ''];
  for (const part of parts) {
    switch (part.kind) {
      case 'heading':
        out.push('', part.text, '-'.repeat(part.text.length));
        break;
      case 'paragraph':
        out.push(part.link === undefined ? part.text : `${part.text}: ${part.link}`);
        break;
      case 'facts':
        for (const fact of part.facts) out.push(`${fact.label}: ${fact.value}`);
        break;
      case 'bullets':
        for (const item of part.items) out.push(`- ${item}`);
        break;
      case 'steps':
        part.items.forEach((item, i) => out.push(`${i + 1}. ${item}`));
        break;
    }
  }
  return `${out.join('\n')}\n`;
}

function accountFacts(message: AlertMessage): Fact[] {
  if (message.account === null)
    return [{ label: 'Tenant', value: tenantText(message.tenantId, message.tenantLabel) }];
  return [
    { label: 'Account', value: message.account.displayName ?? '(no display name)' },
    { label: 'UPN', value: message.account.userPrincipalName ?? '(unknown)' },
    { label: 'Object id', value: message.account.userId },
    { label: 'Tenant', value: tenantText(message.tenantId, message.tenantLabel) },
  ];
}

function footer(message: AlertMessage): Part[] {
  const parts: Part[] = [
    {
      kind: 'paragraph',
      text: `Alert ${message.alertId} · first seen ${readableTime(message.firstSeenAt)} · seen ${message.seenCount} time(s)${message.replayed ? ' · raised by a replay' : ''}`,
    },
  ];
  if (message.link !== null) parts.push({ kind: 'paragraph', text: 'Open in ra-watch', link: message.link });
  return parts;
}

function alertParts(message: AlertMessage): Part[] {
  if (message.kind === 'resolved') {
    return [
      { kind: 'paragraph', text: resolvedNote(message) },
      { kind: 'facts', facts: accountFacts(message) },
      ...footer(message),
    ];
  }
  const parts: Part[] = [
    { kind: 'paragraph', text: message.title },
    { kind: 'facts', facts: accountFacts(message) },
  ];
  if (message.facts.length > 0)
    parts.push({ kind: 'heading', text: 'Evidence' }, { kind: 'facts', facts: message.facts });
  if (message.activities.length > 0) {
    parts.push(
      { kind: 'heading', text: 'License activities (audit log)' },
      { kind: 'bullets', items: message.activities.map(describeActivity) },
    );
  }
  parts.push({ kind: 'heading', text: 'Why it matters' }, { kind: 'paragraph', text: message.whyItMatters });
  if (message.remediation.length > 0)
    parts.push({ kind: 'heading', text: 'How to fix' }, { kind: 'steps', items: message.remediation });
  return [...parts, ...footer(message)];
}

function digestParts(digest: AlertDigest): Part[] {
  const parts: Part[] = [];
  if (digest.countsByRule.length > 0) {
    parts.push(
      { kind: 'heading', text: 'By rule' },
      {
        kind: 'facts',
        facts: digest.countsByRule.map((c) => ({ label: c.ruleName, value: String(c.count) })),
      },
    );
  }
  if (digest.items.length > 0) {
    const items = digest.items.map(
      (i) =>
        `[${i.kind === 'resolved' ? 'resolved' : i.severity}] ${i.ruleName} · ${i.subjectLabel}: ${i.title}${i.link === null ? '' : ` (${i.link})`}`,
    );
    if (digest.moreCount > 0) items.push(`…and ${digest.moreCount} more`);
    parts.push({ kind: 'heading', text: 'Alerts' }, { kind: 'bullets', items });
  }
  if (digest.allocation !== null)
    parts.push({ kind: 'heading', text: 'Free allocation' }, { kind: 'facts', facts: digest.allocation });
  parts.push({
    kind: 'paragraph',
    text: `Tenant ${tenantText(digest.tenantId, digest.tenantLabel)} · ${readableTime(digest.generatedAt)}`,
  });
  return parts;
}

function toneOf(message: AlertMessage | AlertDigest): EmailTone {
  if (message.type === 'digest' || message.kind === 'test') return 'neutral';
  if (message.kind === 'resolved') return 'resolved';
  return message.severity === 'info' ? 'neutral' : message.severity;
}

export function renderEmail(message: AlertMessage | AlertDigest): RenderedEmail {
  const title = message.type === 'digest' ? message.title : headline(message);
  const parts = message.type === 'digest' ? digestParts(message) : alertParts(message);
  return {
    subject: subjectLine(message),
    text: asText(title, parts),
    html: asHtml(title, parts, toneOf(message)),
  };
}
