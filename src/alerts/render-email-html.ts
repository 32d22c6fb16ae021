/**
 * The HTML part of an alert e-mail. Styled inline only: Outlook (Word's renderer) and many webmail clients drop
 * `<style>` blocks and ignore CSS they do not know, so layout is a single centred table column, at most 640 px wide
 * (it shrinks on a phone), with system fonts, no images and no script. Colours only repeat what the words say
 * (the severity is written in the header too), so a client that strips them loses nothing.
 */
import type { Fact } from './alert-message';

/** A document of headed sections, rendered twice (text and HTML) so the two parts cannot drift apart. */
export type EmailPart =
  | { kind: 'heading'; text: string }
  | { kind: 'paragraph'; text: string; link?: string }
  | { kind: 'facts'; facts: Fact[] }
  | { kind: 'bullets'; items: string[] }
  | { kind: 'steps'; items: string[] };

/** The header band's colour: critical red, warning amber, resolved green, anything else (info, digests) blue. */
export type EmailTone = 'critical' | 'warning' | 'resolved' | 'neutral';

const TONES: Record<EmailTone, string> = {
  critical: '#b42318',
  warning: '#b54708',
  resolved: '#067647',
  neutral: '#175cd3',
};

const FONT = 'font-family:Segoe UI,-apple-system,Helvetica,Arial,sans-serif;';
const TEXT = `${FONT}font-size:15px;line-height:22px;color:#1d2939;`;

export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function part(p: EmailPart, tone: string): string {
  switch (p.kind) {
    case 'heading':
      return `<h3 style="${FONT}font-size:16px;line-height:22px;margin:20px 0 6px 0;color:#101828;">${escapeHtml(p.text)}</h3>`;
    case 'paragraph':
      if (p.link === undefined) return `<p style="${TEXT}margin:0 0 10px 0;">${escapeHtml(p.text)}</p>`;
      // A button made of a table cell: Outlook ignores padding on links but not on cells.
      return (
        `<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:16px 0;"><tr>` +
        `<td style="background:${tone};border-radius:4px;padding:10px 18px;">` +
        `<a href="${escapeHtml(p.link)}" style="${FONT}font-size:15px;font-weight:600;color:#ffffff;text-decoration:none;">${escapeHtml(p.text)}</a>` +
        `</td></tr></table>`
      );
    case 'facts':
      return (
        `<table role="presentation" cellpadding="0" cellspacing="0" border="0" width="100%" style="border-collapse:collapse;margin:0 0 10px 0;">` +
        p.facts
          .map(
            (f) =>
              `<tr><th align="left" valign="top" style="${TEXT}font-weight:600;padding:4px 12px 4px 0;width:35%;border-bottom:1px solid #eaecf0;">${escapeHtml(f.label)}</th>` +
              `<td valign="top" style="${TEXT}padding:4px 0;border-bottom:1px solid #eaecf0;word-break:break-word;">${escapeHtml(f.value)}</td></tr>`,
          )
          .join('') +
        `</table>`
      );
    case 'bullets':
      return `<ul style="${TEXT}margin:0 0 10px 0;padding-left:22px;">${p.items.map((i) => `<li style="margin:0 0 4px 0;">${escapeHtml(i)}</li>`).join('')}</ul>`;
    case 'steps':
      return `<ol style="${TEXT}margin:0 0 10px 0;padding-left:22px;">${p.items.map((i) => `<li style="margin:0 0 6px 0;">${escapeHtml(i)}</li>`).join('')}</ol>`;
  }
}

export function asHtml(title: string, parts: EmailPart[], tone: EmailTone): string {
  const colour = TONES[tone];
  const body = parts.map((p) => part(p, colour)).join('\n');
  return (
    `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${escapeHtml(title)}</title></head>` +
    `<body style="margin:0;padding:0;background:#f2f4f7;">` +
    `<table role="presentation" cellpadding="0" cellspacing="0" border="0" width="100%" style="background:#f2f4f7;"><tr><td align="center" style="padding:16px 8px;">` +
    `<table role="presentation" cellpadding="0" cellspacing="0" border="0" width="100%" style="max-width:640px;background:#ffffff;border:1px solid #d0d5dd;border-radius:6px;">` +
    `<tr><td style="background:${colour};padding:14px 20px;border-radius:6px 6px 0 0;">` +
    `<h2 style="${FONT}font-size:19px;line-height:26px;margin:0;color:#ffffff;">${escapeHtml(title)}</h2></td></tr>` +
    `<tr><td style="padding:16px 20px 8px 20px;">\n${body}\n</td></tr>` +
    `<tr><td style="${FONT}font-size:12px;line-height:18px;color:#667085;padding:0 20px 14px 20px;">Sent by ra-watch</td></tr>` +
    `</table></td></tr></table></body></html>`
  );
}
