/**
 * E-mail through SMTP (`nodemailer`, SMTP_URL). Every Message-ID is stable across retries (a retried send after a
 * lost answer carries the same id, so clients and ticketing tools that dedupe on it show it once), and an alert's
 * messages thread (RFC 5322 §3.6.4): its first ("opened") message has the alert's own Message-ID, derived from the
 * alert id and the sender's domain, and every later message about it (the "resolved" one) has its own id with
 * `In-Reply-To` and `References` naming the first, so Outlook, Gmail and e-mail-to-ticket tools keep them together.
 */
import { createHash } from 'node:crypto';
import { createTransport } from 'nodemailer';
import { PermanentError, RetryLaterError } from '../errors';
import type { AlertDigest, AlertMessage } from './alert-message';
import type { AlertSink } from './alert-sink';
import { redactSecrets } from './redact-url';
import { renderEmail } from './render-email';

export interface EmailSinkOptions {
  smtpUrl: string;
  from: string;
  to: string[];
  /** Connection and greeting timeouts; short in tests. */
  timeoutMs?: number;
}

function domainOf(from: string): string {
  return from.split('@')[1] ?? 'ra-watch.invalid';
}

const hashed = (value: string): string => createHash('sha256').update(value).digest('hex').slice(0, 32);

export function messageIdFor(idempotencyKey: string, from: string): string {
  return `<ra-watch.${hashed(idempotencyKey)}@${domainOf(from)}>`;
}

/** The thread's root: the Message-ID of an alert's first message, which every later one refers to. */
export function alertMessageIdFor(alertId: string, from: string): string {
  return `<ra-watch.alert.${hashed(alertId)}@${domainOf(from)}>`;
}

/** The Message-ID and thread headers of one message. */
export function threadHeaders(
  message: AlertMessage | AlertDigest,
  idempotencyKey: string,
  from: string,
): { messageId: string; inReplyTo?: string; references?: string[] } {
  // Digests and test messages stand alone; an alert's opened message starts its thread.
  if (message.type === 'digest' || message.kind === 'test')
    return { messageId: messageIdFor(idempotencyKey, from) };
  const root = alertMessageIdFor(message.alertId, from);
  if (message.kind === 'opened') return { messageId: root };
  return { messageId: messageIdFor(idempotencyKey, from), inReplyTo: root, references: [root] };
}

/**
 * 5xx SMTP replies to the envelope or data (550 no such mailbox, 554 rejected) will not change on retry; anything else
 * (connection refused, 4xx greylisting, a timeout, even a failed login that an admin is about to fix) may.
 */
function emailFailure(error: unknown, secrets: string[]): Error {
  const raw = error instanceof Error ? error.message : String(error);
  const message = `SMTP: ${redactSecrets(raw, secrets)}`;
  const shape = (typeof error === 'object' && error !== null ? error : {}) as {
    responseCode?: unknown;
    code?: unknown;
  };
  if (typeof shape.responseCode === 'number' && shape.responseCode >= 500 && shape.code !== 'EAUTH') {
    return new PermanentError(`smtp-${shape.responseCode}`, message);
  }
  return new RetryLaterError(message, 0);
}

export function createEmailSink(options: EmailSinkOptions): AlertSink {
  const timeout = options.timeoutMs ?? 30_000;
  const transport = createTransport(options.smtpUrl, {
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  const url = URL.canParse(options.smtpUrl) ? new URL(options.smtpUrl) : null;
  const secrets = [options.smtpUrl, url === null ? '' : decodeURIComponent(url.password)].filter(
    (s) => s.length >= 4,
  );
  return {
    name: 'email',
    async send(message: AlertMessage | AlertDigest, idempotencyKey: string): Promise<void> {
      const { subject, text, html } = renderEmail(message);
      try {
        await transport.sendMail({
          from: options.from,
          to: options.to,
          subject,
          text,
          html,
          ...threadHeaders(message, idempotencyKey, options.from),
          headers: { 'X-RA-Watch-Idempotency-Key': idempotencyKey },
        });
      } catch (error) {
        throw emailFailure(error, secrets);
      }
    },
    close(): void {
      transport.close();
    },
  };
}
