/**
 * Webhook URLs are credentials: whoever holds a Slack or Teams webhook URL can post to the channel, and an SMTP URL
 * carries the password. Error text from HTTP and SMTP libraries tends to quote the URL, so every message that leaves
 * a sink (logs, the outbox's last error, the API) goes through here first.
 */

const urlPattern = /\b([a-z][a-z0-9+.-]*):\/\/[^\s"'<>]+/gi;

/** Keep only the scheme and host of each URL in `text`: `https://hooks.slack.com/[redacted]`. */
export function redactUrls(text: string): string {
  return text.replace(urlPattern, (match) => {
    try {
      const url = new URL(match);
      return `${url.protocol}//${url.hostname}${url.port === '' ? '' : `:${url.port}`}/[redacted]`;
    } catch {
      return '[redacted url]';
    }
  });
}

/** Also remove the exact secret strings given (a URL whose text could not be parsed, a password). */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length > 0) out = out.split(secret).join('[redacted]');
  }
  return redactUrls(out);
}
