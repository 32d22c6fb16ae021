/**
 * Structured logging (pino). JSON lines for machines (a log collector, a pipe, a file); for a person at a terminal
 * the same records through pino-pretty (one short line each, fields indented below), because a 2,000-character JSON
 * line is unreadable there. `format` chooses (LOG_FORMAT); unset, it is pretty exactly when the destination is a
 * TTY. Components take the small `Logger` interface, never pino itself, so tests can capture lines and nothing
 * depends on the library.
 *
 * Secrets are redacted by key wherever they appear in a logged object: authorization headers, tokens, client
 * state, webhook and SMTP URLs, passwords, connection strings. Components are still expected not to log them.
 */
import pino from 'pino';
import pinoPretty from 'pino-pretty';

/** LOG_FORMAT: `json` lines or `pretty` (human) text; null lets the destination decide (pretty on a TTY). */
export type LogFormat = 'json' | 'pretty';

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
  format?: LogFormat | null;
}): Logger {
  const destination = options.destination ?? process.stdout;
  return pino(
    {
      name: options.name ?? 'ra-watch',
      level: options.level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      // Errors as { type, message, stack } rather than {}.
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    logFormatFor(options.format ?? null, destination) === 'pretty'
      ? pinoPretty({
          destination: fileDescriptorOf(destination) ?? destination,
          // Synchronous, like pino's own destination: a line logged just before an exit is not lost.
          sync: true,
          colorize: isTty(destination),
          translateTime: 'SYS:HH:MM:ss',
          ignore: 'pid,hostname,name',
        })
      : destination,
  );
}

/** The format a logger writes to `destination`: the one asked for, else pretty on a terminal and JSON elsewhere. */
export function logFormatFor(format: LogFormat | null, destination: NodeJS.WritableStream): LogFormat {
  if (format !== null) return format;
  return isTty(destination) ? 'pretty' : 'json';
}

/**
 * The process's own stdout/stderr as their file descriptors: pino-pretty then writes to the fd itself (SonicBoom)
 * rather than piping into the stream, which would add listeners to it for every logger a process creates.
 */
function fileDescriptorOf(stream: NodeJS.WritableStream): number | null {
  if (stream === process.stdout) return 1;
  if (stream === process.stderr) return 2;
  return null;
}

function isTty(stream: NodeJS.WritableStream): boolean {
  return (stream as { isTTY?: boolean }).isTTY === true;
}

/** A logger that writes nothing (tests that do not look at logs, CLI commands printing JSON). */
export function silentLogger(): Logger {
  return createLogger({ level: 'silent' });
}
