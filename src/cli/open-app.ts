/**
 * One-shot commands (audit, replay, subscriptions, alerts, dead-letters) open the same app as `serve`, on the same
 * store (store-location.ts: the same rule picks it) and queue, without listening or running the background loops,
 * and close it when done. They can run beside a serving process: SQLite in WAL mode and PostgreSQL both allow it.
 */
import { startApp, type App } from '../app';
import { loadConfig, readEnvironment, type Config } from '../config';
import { createLogger, type Logger } from '../logger';
import { UsageError } from './cli-error';
import { storeUrlFor } from './store-location';

export async function withApp<T>(work: (app: App, config: Config) => Promise<T>): Promise<T> {
  // `work` gets the configuration as loaded: describeStore(config) tells where the command looked, and why there.
  const config = loadConfig(readEnvironment());
  const app = await startApp({
    config: { ...config, databaseUrl: storeUrlFor(config) },
    logger: oneShotLogger(config),
    listen: false,
    background: false,
  });
  try {
    return await work(app, config);
  } finally {
    await app.stop();
  }
}

/**
 * A one-shot command's diagnostics: on stderr (stdout carries the report), errors only unless LOG_LEVEL asks for
 * more (warn, debug...), and readable text rather than JSON lines unless LOG_FORMAT=json asks for them: a person ran
 * the command, and its own report says what went wrong. The app's start-up warnings are about serving (e.g. no
 * CLIENT_STATE) and mean nothing to `alerts list`.
 */
export function oneShotLogger(config: Config, level?: string): Logger {
  return createLogger({
    level: level ?? (config.logLevel === 'info' ? 'error' : config.logLevel),
    destination: process.stderr,
    format: config.logFormat ?? 'pretty',
  });
}

/** The tenant a command acts on: `--tenant`, else the configured AZURE_TENANT_ID. */
export function tenantOf(option: string | undefined, config: Config): string {
  const tenantId = option ?? config.graph.tenantId;
  if (tenantId === null || tenantId === undefined) {
    throw new UsageError(
      'no tenant: pass --tenant <id> or set AZURE_TENANT_ID (and a Graph credential) in the environment.',
    );
  }
  return tenantId;
}
