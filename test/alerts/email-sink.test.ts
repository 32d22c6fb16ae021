import { buildAlertMessage } from '../../src/alerts/alert-message';
import { summarise } from '../../src/alerts/burst-summary';
import { simpleParser } from 'mailparser';
import { alertMessageIdFor, createEmailSink, messageIdFor } from '../../src/alerts/email-sink';
import { renderEmail } from '../../src/alerts/render-email';
import { RetryLaterError } from '../../src/errors';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver';
import { RA_UPN, alertOf, swapFinding } from './alert-fixtures';

/** Undo quoted-printable soft breaks and escapes enough to read the parts' text. */
function decodeQp(raw: string): string {
  return raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** The header section with folded lines joined (long subjects are folded by nodemailer, RFC 5322 §2.2.3). */
function headers(raw: string): string {
  return raw.slice(0, raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
}

function part(raw: string, contentType: string): string {
  const boundary = /boundary="?([^";\r\n]+)"?/.exec(raw)?.[1];
  if (boundary === undefined) throw new Error('not a multipart message');
  const found = raw.split(`--${boundary}`).find((p) => p.includes(`Content-Type: ${contentType}`));
  if (found === undefined) throw new Error(`no ${contentType} part`);
  const body = found.slice(found.indexOf('\r\n\r\n') + 4);
  return Buffer.from(decodeQp(body), 'latin1').toString('utf8');
}

describe('e-mail sink (nodemailer to a real SMTP server)', () => {
  let smtp: SmtpReceiver;
  beforeEach(async () => {
    smtp = await startSmtpReceiver();
  });
  afterEach(async () => {
    await smtp.close();
  });

  const message = () =>
    buildAlertMessage(alertOf(swapFinding()), 'opened', { publicBaseUrl: 'https://ra-watch.contoso.com' });

  it('sends a sortable subject, text and HTML parts with the same content, to every recipient', async () => {
    const sink = createEmailSink({
      smtpUrl: smtp.url,
      from: 'ra-watch@contoso.com',
      to: ['teams-admins@contoso.com', 'noc@contoso.com'],
    });
    await sink.send(message(), 'outbox-1:email');
    sink.close?.();

    const [mail] = await smtp.waitFor(1);
    expect(mail!.from).toBe('ra-watch@contoso.com');
    expect(mail!.to).toEqual(['teams-admins@contoso.com', 'noc@contoso.com']);
    expect(headers(mail!.raw)).toContain(
      `Subject: [ra-watch][critical] Non-atomic license swap on ${RA_UPN}`,
    );
    // The alert's first message starts its thread with the alert's own Message-ID.
    expect(headers(mail!.raw)).toContain(
      `Message-ID: ${alertMessageIdFor('alert-0001', 'ra-watch@contoso.com')}`,
    );
    const text = part(mail!.raw, 'text/plain');
    const html = part(mail!.raw, 'text/html');
    for (const expected of [
      'AA Reception',
      RA_UPN,
      '2025-03-04 10:00:00 UTC: removed Teams Phone Standard',
      'Why it matters',
      'Test the auto attendant',
    ]) {
      expect(text).toContain(expected);
      expect(html).toContain(expected);
    }
    expect(text).toMatch(/\n1\. Test the auto attendant/);
    expect(html).toMatch(/<ol style="[^"]+"><li style="[^"]+">Test the auto attendant/);
  });

  it('threads an alert: its resolved message replies to its opened one (checked with a real MIME parser)', async () => {
    const from = 'ra-watch@contoso.com';
    const sink = createEmailSink({ smtpUrl: smtp.url, from, to: ['noc@contoso.com'] });
    const alert = alertOf(swapFinding(), { id: 'alert-thread-1' });
    const resolved = { ...alert, state: 'resolved' as const, resolvedAt: '2025-03-04T13:00:00.000Z' };
    const link = { publicBaseUrl: 'https://ra-watch.contoso.com' };
    await sink.send(buildAlertMessage(alert, 'opened', link), 'outbox-10:email');
    await sink.send(buildAlertMessage(resolved, 'resolved', link), 'outbox-11:email');
    // Another alert's message is in no thread with them.
    await sink.send(buildAlertMessage(alertOf(swapFinding(), { id: 'alert-other' }), 'opened', link), 'o-12');
    sink.close?.();
    const [opened, closed, other] = await Promise.all(
      (await smtp.waitFor(3)).map((mail) => simpleParser(mail.raw)),
    );
    expect(opened!.messageId).toBe(alertMessageIdFor('alert-thread-1', from));
    expect(opened!.messageId).toMatch(/^<ra-watch\.alert\.[0-9a-f]{32}@contoso\.com>$/);
    expect(opened!.inReplyTo).toBeUndefined();
    expect(closed!.messageId).toBe(messageIdFor('outbox-11:email', from));
    expect(closed!.messageId).not.toBe(opened!.messageId);
    expect(closed!.inReplyTo).toBe(opened!.messageId);
    expect(closed!.references).toBe(opened!.messageId);
    expect(closed!.subject).toBe(`[ra-watch][resolved] Non-atomic license swap on ${RA_UPN}`);
    expect(other!.messageId).not.toBe(opened!.messageId);
    expect(other!.inReplyTo).toBeUndefined();
    // A retry of the opened message (same alert) carries the same Message-ID: clients show it once.
    expect(alertMessageIdFor('alert-thread-1', from)).toBe(opened!.messageId);
  });

  it('styles the HTML inline for Outlook and phones: one narrow column, no style sheet, no script, no images', async () => {
    const sink = createEmailSink({
      smtpUrl: smtp.url,
      from: 'ra-watch@contoso.com',
      to: ['noc@contoso.com'],
    });
    await sink.send(message(), 'outbox-20:email');
    sink.close?.();
    const [mail] = await smtp.waitFor(1);
    const parsed = await simpleParser(mail!.raw);
    const html = typeof parsed.html === 'string' ? parsed.html : '';
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toContain('max-width:640px');
    expect(html).not.toMatch(/<style|<script|<img|<link/i);
    // The severity colours the header band; every heading and table cell carries its own style.
    expect(html).toMatch(
      /<td style="background:#b42318;[^"]*"><h2 style="[^"]+">\[critical\] Non-atomic license swap<\/h2>/,
    );
    expect(html).not.toMatch(/<(h3|p|th|td|ol|ul)>/);
    // The link is a button pointing at the console's alert page.
    expect(html).toMatch(
      /<a href="https:\/\/ra-watch\.contoso\.com\/alert\.html\?id=alert-0001" style="[^"]+">Open in ra-watch<\/a>/,
    );
    expect(parsed.text).toContain('Open in ra-watch: https://ra-watch.contoso.com/alert.html?id=alert-0001');
  });

  it('renders a summary with the same lines in both parts', () => {
    const items = Array.from({ length: 4 }, (_, i) => ({
      alert: alertOf(swapFinding(), { id: `a-${i}` }),
      kind: 'opened' as const,
    }));
    const digest = summarise({
      kind: 'burst',
      tenantId: 't1',
      title: '4 alerts at once',
      at: '2025-03-04T12:00:00.000Z',
      items,
      listSize: 2,
      publicBaseUrl: null,
    });
    const email = renderEmail(digest);
    expect(email.subject).toBe('[ra-watch][summary] 4 alerts at once');
    for (const part of [email.text, email.html]) {
      expect(part).toContain('Non-atomic license swap');
      expect(part).toContain('…and 2 more');
    }
  });

  it('keeps the same Message-ID for a retry of the same outbox entry', () => {
    expect(messageIdFor('outbox-1:email', 'a@contoso.com')).toBe(
      messageIdFor('outbox-1:email', 'a@contoso.com'),
    );
    expect(messageIdFor('outbox-1:email', 'a@contoso.com')).not.toBe(
      messageIdFor('outbox-2:email', 'a@contoso.com'),
    );
  });

  it('SMTP down is retryable without the password in the error; back up, the same sink delivers', async () => {
    const port = smtp.port;
    const password = smtp.password;
    const url = smtp.url;
    await smtp.close();
    const sink = createEmailSink({
      smtpUrl: url,
      from: 'ra-watch@contoso.com',
      to: ['noc@contoso.com'],
      timeoutMs: 2000,
    });

    const error = await sink.send(message(), 'k').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryLaterError);
    expect((error as Error).message).not.toContain(password);

    smtp = await startSmtpReceiver({ port, password });
    await sink.send(message(), 'k');
    sink.close?.();
    await smtp.waitFor(1);
  });

  it('a wrong password is reported without the password', async () => {
    const sink = createEmailSink({
      smtpUrl: `smtp://alerts:wrong-Pa55@127.0.0.1:${smtp.port}`,
      from: 'ra-watch@contoso.com',
      to: ['noc@contoso.com'],
      timeoutMs: 2000,
    });
    const error = await sink.send(message(), 'k').catch((e: unknown) => e);
    sink.close?.();
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).not.toContain('wrong-Pa55');
    expect(smtp.mails).toHaveLength(0);
  });
});
