/**
 * An alert as a Slack Block Kit message: header with severity and rule, the account, the evidence (licenses, the
 * audit activities with their times), why it matters, the remediation as a numbered list and a link to the alert.
 * Slack caps a header at 150 characters and a section at 3000, and a message at 50 blocks: long text is cut with an
 * ellipsis rather than rejected with a 400 (which would dead-letter the alert).
 */
import { tenantText } from '../tenants/tenant-names';
import type { IncomingWebhookSendArguments } from '@slack/webhook';
import type { AlertDigest, AlertMessage } from './alert-message';
import { headline, resolvedNote } from './alert-message';
import { describeActivity, readableTime } from './evidence-facts';
import { mrkdwnCode, mrkdwnText } from './slack-mrkdwn';

type Blocks = NonNullable<IncomingWebhookSendArguments['blocks']>;
export type SlackPayload = IncomingWebhookSendArguments & { text: string; blocks: Blocks };

const SEVERITY_EMOJI = {
  critical: ':rotating_light:',
  warning: ':warning:',
  info: ':information_source:',
} as const;

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Every tenant-supplied string goes through this (see slack-mrkdwn.ts for why these rules). */
const esc = mrkdwnText;

/**
 * `verbatim`: Slack does not turn bare URLs, #channel names or @mentions typed in tenant data into links or pings;
 * our own `<url|label>` links still work.
 */
function mrkdwn(text: string): { type: 'mrkdwn'; text: string; verbatim: true } {
  return { type: 'mrkdwn', text, verbatim: true };
}

function section(markdown: string): Blocks[number] {
  return { type: 'section', text: mrkdwn(cut(markdown, 3000)) };
}

function accountBlock(message: AlertMessage): Blocks[number] {
  if (message.account === null) {
    return section(`*Tenant*\n${mrkdwnCode(tenantText(message.tenantId, message.tenantLabel))}`);
  }
  const { displayName, userPrincipalName, userId } = message.account;
  return {
    type: 'section',
    fields: [
      mrkdwn(cut(`*Account*\n${displayName === null ? '(no display name)' : esc(displayName)}`, 2000)),
      // The UPN as code: shown exactly, so it can be copied into PowerShell.
      mrkdwn(cut(`*UPN*\n${userPrincipalName === null ? '(unknown)' : mrkdwnCode(userPrincipalName)}`, 2000)),
      mrkdwn(cut(`*Object id*\n${mrkdwnCode(userId)}`, 2000)),
      mrkdwn(cut(`*Tenant*\n${mrkdwnCode(tenantText(message.tenantId, message.tenantLabel))}`, 2000)),
    ],
  };
}

function contextBlock(message: AlertMessage): Blocks[number] {
  const parts = [
    `Alert ${mrkdwnCode(message.alertId)}`,
    `first seen ${readableTime(message.firstSeenAt)}`,
    `seen ${message.seenCount}×`,
  ];
  if (message.replayed) parts.push('raised by a replay');
  if (message.link !== null) parts.push(`<${message.link}|Open in ra-watch>`);
  return { type: 'context', elements: [mrkdwn(cut(parts.join(' · '), 3000))] };
}

/**
 * The top-level `text` (notifications, and clients that cannot show blocks) is mrkdwn too, and is where an
 * unescaped `<!channel>` would ping the whole channel.
 */
function fallbackText(text: string): string {
  return cut(esc(text), 3000);
}

function headerBlock(text: string): Blocks[number] {
  return { type: 'header', text: { type: 'plain_text', text: cut(text, 150), emoji: true } };
}

export function renderSlackAlert(message: AlertMessage): SlackPayload {
  const head = headline(message);
  if (message.kind === 'resolved') {
    return {
      text: fallbackText(`${head}: ${message.title}`),
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
    blocks.push(
      section(`*Evidence*\n${message.facts.map((f) => `• ${esc(f.label)}: ${esc(f.value)}`).join('\n')}`),
    );
  }
  if (message.activities.length > 0) {
    blocks.push(
      section(
        `*License activities (audit log)*\n${message.activities.map((a) => `• ${esc(describeActivity(a))}`).join('\n')}`,
      ),
    );
  }
  blocks.push(section(`*Why it matters*\n${esc(message.whyItMatters)}`));
  if (message.remediation.length > 0) {
    blocks.push(
      section(`*How to fix*\n${message.remediation.map((step, i) => `${i + 1}. ${esc(step)}`).join('\n')}`),
    );
  }
  blocks.push(contextBlock(message));
  return { text: fallbackText(`${head}: ${message.title}`), blocks };
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
    blocks.push(
      section(
        `*Free allocation*\n${digest.allocation.map((f) => `• ${esc(f.label)}: ${esc(f.value)}`).join('\n')}`,
      ),
    );
  }
  blocks.push({
    type: 'context',
    elements: [
      mrkdwn(
        `Tenant ${mrkdwnCode(tenantText(digest.tenantId, digest.tenantLabel))} · ${readableTime(digest.generatedAt)}`,
      ),
    ],
  });
  return { text: fallbackText(digest.title), blocks };
}
