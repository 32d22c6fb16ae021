/**
 * Structured logging (pino, JSON lines). Components take the small `Logger` interface, never pino itself, so tests
 * can capture lines and nothing depends on the library.
 *
 * Secrets are redacted by key wherever they appear in a logged object: authorization headers, tokens, client
 * state, webhook and SMTP URLs, passwords, connection strings. Components are still expected not to log them.
 */
import pino from 'pino';

export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

const secretKeys = [
  'authorization',
  'Authorization',
  'token',
  'accessToken',
  'access_token',
  'clientSecret',
  'clientState',
  'password',
  'webhookUrl',
  'slackWebhookUrl',
  'smtpUrl',
  'connectionString',
  'apiToken',
];

/** Redaction paths: the key at the top level and one or two levels down (pino needs explicit paths). */
export const REDACT_PATHS: string[] = secretKeys.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);

export function createLogger(options: {
  level: string;
  destination?: NodeJS.WritableStream;
  name?: string;
}): Logger {
  return pino(
    {
      name: options.name ?? 'ra-watch',
      level: options.level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      // Errors as { type, message, stack } rather than {}.
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? process.stdout,
  );
}

/** A logger that writes nothing (tests that do not look at logs, CLI commands printing JSON). */
export function silentLogger(): Logger {
  return createLogger({ level: 'silent' });
}
