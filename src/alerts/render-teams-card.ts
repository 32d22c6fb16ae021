/**
 * An alert as an Adaptive Card (version 1.4: the newest that Teams renders everywhere, desktop, web and mobile) in
 * the envelope a Teams Workflows "post to a channel when a webhook request is received" flow and the older incoming
 * webhooks both accept: `{ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive',
 * content: card }] }`. Same content as the Slack message.
 */
import { tenantText } from '../tenants/tenant-names';
import type { AlertDigest, AlertMessage, Fact } from './alert-message';
import { headline, resolvedNote } from './alert-message';
import { cardText } from './card-markdown';
import { describeActivity, readableTime } from './evidence-facts';

export interface TextBlock {
  type: 'TextBlock';
  text: string;
  wrap?: boolean;
  size?: 'Small' | 'Default' | 'Medium' | 'Large' | 'ExtraLarge';
  weight?: 'Lighter' | 'Default' | 'Bolder';
  color?: 'Default' | 'Dark' | 'Light' | 'Accent' | 'Good' | 'Warning' | 'Attention';
  isSubtle?: boolean;
  spacing?: 'None' | 'Small' | 'Default' | 'Medium' | 'Large' | 'ExtraLarge' | 'Padding';
  separator?: boolean;
}

export interface FactSet {
  type: 'FactSet';
  facts: Array<{ title: string; value: string }>;
}

export interface OpenUrlAction {
  type: 'Action.OpenUrl';
  title: string;
  url: string;
}

export interface AdaptiveCard {
  $schema: string;
  type: 'AdaptiveCard';
  version: string;
  body: Array<TextBlock | FactSet>;
  actions?: OpenUrlAction[];
  msteams?: { width: 'Full' };
}

export interface TeamsEnvelope {
  type: 'message';
  attachments: Array<{
    contentType: 'application/vnd.microsoft.card.adaptive';
    contentUrl: null;
    content: AdaptiveCard;
  }>;
}

const COLOR = { critical: 'Attention', warning: 'Warning', info: 'Accent' } as const;

/** A TextBlock of plain text: `value` is never read as Markdown (see card-markdown.ts). */
function text(value: string, extra: Omit<TextBlock, 'type' | 'text'> = {}): TextBlock {
  return { type: 'TextBlock', text: cardText(value), wrap: true, ...extra };
}

/** A TextBlock that is a Markdown list we build: each item is plain text, the list markers are ours. */
function list(items: string[], marker: (index: number) => string): TextBlock {
  return {
    type: 'TextBlock',
    text: items.map((item, i) => `${marker(i)} ${cardText(item)}`).join('\n'),
    wrap: true,
  };
}

const BULLET = (): string => '-';
const NUMBER = (index: number): string => `${index + 1}.`;

function heading(value: string): TextBlock {
  return text(value, { weight: 'Bolder', spacing: 'Medium', separator: true });
}

function factSet(facts: Fact[]): FactSet {
  return {
    type: 'FactSet',
    facts: facts.map((f) => ({ title: cardText(f.label), value: cardText(f.value) })),
  };
}

function envelope(card: AdaptiveCard): TeamsEnvelope {
  return {
    type: 'message',
    attachments: [
      { contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card },
    ],
  };
}

function card(body: AdaptiveCard['body'], link: string | null): AdaptiveCard {
  return {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body,
    ...(link === null ? {} : { actions: [{ type: 'Action.OpenUrl', title: 'Open in ra-watch', url: link }] }),
    msteams: { width: 'Full' },
  };
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

export function renderTeamsAlert(message: AlertMessage): TeamsEnvelope {
  const head = headline(message);
  if (message.kind === 'resolved') {
    return envelope(
      card(
        [
          text(head, { size: 'Large', weight: 'Bolder', color: 'Good' }),
          text(resolvedNote(message)),
          factSet(accountFacts(message)),
        ],
        message.link,
      ),
    );
  }
  const body: AdaptiveCard['body'] = [
    text(head, { size: 'Large', weight: 'Bolder', color: COLOR[message.severity] }),
    text(message.title, { weight: 'Bolder' }),
    factSet(accountFacts(message)),
  ];
  if (message.facts.length > 0) body.push(heading('Evidence'), factSet(message.facts));
  if (message.activities.length > 0) {
    body.push(
      heading('License activities (audit log)'),
      list(message.activities.map(describeActivity), BULLET),
    );
  }
  body.push(heading('Why it matters'), text(message.whyItMatters));
  if (message.remediation.length > 0) {
    body.push(heading('How to fix'), list(message.remediation, NUMBER));
  }
  body.push(
    text(
      `Alert ${message.alertId} · first seen ${readableTime(message.firstSeenAt)} · seen ${message.seenCount}×${message.replayed ? ' · raised by a replay' : ''}`,
      {
        size: 'Small',
        isSubtle: true,
      },
    ),
  );
  return envelope(card(body, message.link));
}

export function renderTeamsDigest(digest: AlertDigest): TeamsEnvelope {
  const body: AdaptiveCard['body'] = [text(digest.title, { size: 'Large', weight: 'Bolder' })];
  if (digest.countsByRule.length > 0) {
    body.push(
      heading('By rule'),
      factSet(digest.countsByRule.map((c) => ({ label: c.ruleName, value: String(c.count) }))),
    );
  }
  if (digest.items.length > 0) {
    const lines = digest.items.map(
      (i) =>
        `[${i.kind === 'resolved' ? 'resolved' : i.severity}] ${i.ruleName} · ${i.subjectLabel}: ${i.title}`,
    );
    if (digest.moreCount > 0) lines.push(`…and ${digest.moreCount} more`);
    body.push(heading('Alerts'), list(lines, BULLET));
  }
  if (digest.allocation !== null) body.push(heading('Free allocation'), factSet(digest.allocation));
  body.push(
    text(`Tenant ${tenantText(digest.tenantId, digest.tenantLabel)} · ${readableTime(digest.generatedAt)}`, {
      size: 'Small',
      isSubtle: true,
    }),
  );
  return envelope(card(body, null));
}
