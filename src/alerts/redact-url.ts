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

/** Shorter pieces are left alone: a one-letter path or `?a=1` would redact ordinary words from every message. */
const MIN_SECRET_LENGTH = 4;
/** A path segment this long is a token or an id (Slack's secret, a Workflows id), not a word like `services`. */
const MIN_SEGMENT_LENGTH = 16;

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The parts of a configured URL that are secret on their own, for `redactSecrets`. A peer that echoes its request
 * line ("no route for POST /workflows/…/invoke?sig=…") quotes the path and query without the scheme and host, which
 * `redactUrls` cannot recognise as a URL: the Teams Workflows signature, the Slack token path or a PSA token would
 * then reach the output. So: the whole URL, path + query, the path, the query, each query value and each long path
 * segment, both as sent and percent-decoded. Longest first, so a longer piece is replaced before one inside it.
 */
export function urlSecrets(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url.length >= MIN_SECRET_LENGTH ? [url] : [];
  }
  const path = parsed.pathname === '/' ? '' : parsed.pathname;
  const query = parsed.search;
  const segments = path.split('/').filter((segment) => segment.length >= MIN_SEGMENT_LENGTH);
  const pieces = [
    url,
    parsed.href,
    `${path}${query}`,
    path,
    query,
    query.slice(1),
    ...parsed.searchParams.values(),
    ...segments,
  ];
  if (parsed.password !== '') pieces.push(parsed.password);
  const all = new Set<string>();
  for (const piece of pieces) {
    for (const form of [piece, decoded(piece)]) {
      if (form.length >= MIN_SECRET_LENGTH) all.add(form);
    }
  }
  return [...all].sort((a, b) => b.length - a.length);
}
