/**
 * One-shot commands (audit, replay, subscriptions, alerts, dead-letters) open the same app as `serve`, on the same
 * store and queue, without listening or running the background loops, and close it when done. They can run beside a
 * serving process: SQLite in WAL mode and PostgreSQL both allow it.
 */
import { startApp, type App } from '../app';
import { loadConfig, readEnvironment, type Config } from '../config';
import { createLogger } from '../logger';
import { UsageError } from './cli-error';

export async function withApp<T>(work: (app: App, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig(readEnvironment());
  // Diagnostics on stderr, quiet by default: stdout carries the command's report.
  const logger = createLogger({
    level: config.logLevel === 'info' ? 'warn' : config.logLevel,
    destination: process.stderr,
  });
  const app = await startApp({ config, logger, listen: false, background: false });
  try {
    return await work(app, config);
  } finally {
    await app.stop();
  }
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
