/**
 * An alert as a Slack Block Kit message: header with severity and rule, the account, the evidence (licenses, the
 * audit activities with their times), why it matters, the remediation as a numbered list and a link to the alert.
 * Slack caps a header at 150 characters and a section at 3000, and a message at 50 blocks: long text is cut with an
 * ellipsis rather than rejected with a 400 (which would dead-letter the alert).
 */
import type { IncomingWebhookSendArguments } from '@slack/webhook';
import type { AlertDigest, AlertMessage } from './alert-message';
import { headline, resolvedNote } from './alert-message';
import { describeActivity, readableTime } from './evidence-facts';

type Blocks = NonNullable<IncomingWebhookSendArguments['blocks']>;
export type SlackPayload = IncomingWebhookSendArguments & { text: string; blocks: Blocks };

const SEVERITY_EMOJI = { critical: ':rotating_light:', warning: ':warning:', info: ':information_source:' } as const;

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Slack mrkdwn treats &, < and > as control characters. */
function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function section(markdown: string): Blocks[number] {
  return { type: 'section', text: { type: 'mrkdwn', text: cut(markdown, 3000) } };
}

function accountBlock(message: AlertMessage): Blocks[number] {
  if (message.account === null) {
    return section(`*Tenant*\n${esc(message.tenantId)}`);
  }
  const { displayName, userPrincipalName, userId } = message.account;
  return {
    type: 'section',
    fields: [
      { type: 'mrkdwn', text: `*Account*\n${esc(displayName ?? '(no display name)')}` },
      { type: 'mrkdwn', text: `*UPN*\n${esc(userPrincipalName ?? '(unknown)')}` },
      { type: 'mrkdwn', text: `*Object id*\n\`${esc(userId)}\`` },
      { type: 'mrkdwn', text: `*Tenant*\n\`${esc(message.tenantId)}\`` },
    ],
  };
}

function contextBlock(message: AlertMessage): Blocks[number] {
  const parts = [
    `Alert \`${esc(message.alertId)}\``,
    `first seen ${readableTime(message.firstSeenAt)}`,
    `seen ${message.seenCount}×`,
  ];
  if (message.replayed) parts.push('raised by a replay');
  if (message.link !== null) parts.push(`<${message.link}|Open in ra-watch>`);
  return { type: 'context', elements: [{ type: 'mrkdwn', text: cut(parts.join(' · '), 3000) }] };
}

function headerBlock(text: string): Blocks[number] {
  return { type: 'header', text: { type: 'plain_text', text: cut(text, 150), emoji: true } };
}

export function renderSlackAlert(message: AlertMessage): SlackPayload {
  const head = headline(message);
  if (message.kind === 'resolved') {
    return {
      text: `${head}: ${message.title}`,
      blocks: [
        headerBlock(`:white_check_mark: ${head}`),
        section(`~${esc(message.title)}~\n${esc(resolvedNote(message))}`),
        accountBlock(message),
        contextBlock(message),
      ],
    };
  }
  const blocks: Blocks = [
    headerBlock(`${SEVERITY_EMOJI[message.severity]} ${head}`),
    section(`*${esc(message.title)}*`),
    accountBlock(message),
  ];
  if (message.facts.length > 0) {
    blocks.push(section(`*Evidence*\n${message.facts.map((f) => `• ${esc(f.label)}: ${esc(f.value)}`).join('\n')}`));
  }
  if (message.activities.length > 0) {
    blocks.push(section(`*License activities (audit log)*\n${message.activities.map((a) => `• ${esc(describeActivity(a))}`).join('\n')}`));
  }
  blocks.push(section(`*Why it matters*\n${esc(message.whyItMatters)}`));
  if (message.remediation.length > 0) {
    blocks.push(section(`*How to fix*\n${message.remediation.map((step, i) => `${i + 1}. ${esc(step)}`).join('\n')}`));
  }
  blocks.push(contextBlock(message));
  return { text: `${head}: ${message.title}`, blocks };
}

export function renderSlackDigest(digest: AlertDigest): SlackPayload {
  const blocks: Blocks = [headerBlock(`:bell: ${digest.title}`)];
  const counts = digest.countsByRule.map((c) => `• ${esc(c.ruleName)}: ${c.count}`).join('\n');
  if (counts !== '') blocks.push(section(`*By rule*\n${counts}`));
  if (digest.items.length > 0) {
    const lines = digest.items.map((item) => {
      const what = `${item.kind === 'resolved' ? 'resolved' : item.severity} · ${item.ruleName} · ${item.subjectLabel}`;
      const title = item.link === null ? esc(item.title) : `<${item.link}|${esc(item.title)}>`;
      return `• [${esc(what)}] ${title}`;
    });
    if (digest.moreCount > 0) lines.push(`…and ${digest.moreCount} more`);
    blocks.push(section(lines.join('\n')));
  }
  if (digest.allocation !== null) {
    blocks.push(section(`*Free allocation*\n${digest.allocation.map((f) => `• ${esc(f.label)}: ${esc(f.value)}`).join('\n')}`));
  }
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: `Tenant \`${esc(digest.tenantId)}\` · ${readableTime(digest.generatedAt)}` }],
  });
  return { text: digest.title, blocks };
}
