/**
 * E-mail through SMTP (`nodemailer`, SMTP_URL). The Message-ID is derived from the outbox entry's idempotency key,
 * so a retried send after a lost answer carries the same id and mail clients and ticketing tools that thread or
 * dedupe on Message-ID show it once.
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

export function messageIdFor(idempotencyKey: string, from: string): string {
  const domain = from.split('@')[1] ?? 'ra-watch.invalid';
  return `<ra-watch.${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)}@${domain}>`;
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
          messageId: messageIdFor(idempotencyKey, options.from),
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
