/**
 * The routing the store calls inside an alert's transaction (glossary `Routing`, synchronous by design: it runs for
 * every alert of a 20,000-user storm) over the routes and channels in the database (issue 19). It answers from a
 * copy in memory, read at start, again after every change made through this process (API, console, CLI), and every
 * `refreshMs` so that a change made by another replica or a CLI run while `serve` is up is picked up too.
 *
 * It also keeps `sinks`, the one map the dispatcher and the digest look sinks up in: the environment's sinks plus a
 * `channel:<name>` sink per stored channel, rebuilt when a channel changes. Secrets are opened here, in memory only;
 * a stale seal (a key rotated to second place) is re-sealed with the first key as it is read.
 */
import type { Config } from '../../config';
import { describeError } from '../../errors';
import type { Routing, TenantId } from '../../glossary';
import type { Logger } from '../../logger';
import type { Store, StoredChannel, StoredRoute } from '../../store/store';
import type { AlertSink } from '../alert-sink';
import { channelSettings, openChannelSecrets, type ChannelSettings } from './channel-input';
import { ChannelSecretsError, type ChannelSecretBox } from './channel-secrets';
import { createChannelSink, failingSink } from './channel-sink';
import { channelSinkName, digestSinks, routeAlert } from './route-table';

export interface ChannelRoutingDeps {
  store: Store;
  /** The environment's sinks (sinks-from-config.ts): the default route. */
  envSinks: ReadonlyMap<string, AlertSink>;
  /** The default route's routing (alert-routing.ts), over `envSinks`. */
  defaultRouting: Routing;
  box: ChannelSecretBox;
  email: Config['email'];
  logger: Logger;
  /** How often to read the routes again (default 15 s). */
  refreshMs?: number;
}

export interface ChannelRouting {
  readonly routing: Routing;
  /** Every sink by name: the environment's and one per stored channel (kept current by `refresh`). */
  readonly sinks: Map<string, AlertSink>;
  /** Where `tenantId`'s daily digest goes (route-table.ts `digestSinks`). */
  digestSinksFor(tenantId: TenantId): string[];
  /** The routes as last read. */
  routes(): readonly StoredRoute[];
  /** Reads channels and routes again now. */
  refresh(): Promise<void>;
  start(): void;
  stop(): Promise<void>;
}

export function createChannelRouting(deps: ChannelRoutingDeps): ChannelRouting {
  const { store, box, logger } = deps;
  const sinks = new Map<string, AlertSink>(deps.envSinks);
  /** updatedAt of the channel each channel sink was built from, to rebuild only what changed. */
  const builtFrom = new Map<string, string>();
  let routes: readonly StoredRoute[] = [];
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;

  const defaultDigestSinks = (): string[] =>
    [...deps.envSinks.values()].filter((s) => s.digests !== false).map((s) => s.name);

  async function sinkOf(channel: StoredChannel): Promise<AlertSink> {
    const name = channelSinkName(channel.name);
    const settings: ChannelSettings = channelSettings.parse(channel.settings);
    try {
      const secrets = openChannelSecrets(box, channel);
      const sealed = channel.sealedSecrets;
      if (sealed !== null && box.isStale(sealed)) {
        // Finishing a key rotation: once every channel is re-sealed the old key can leave CHANNEL_SECRETS_KEY.
        await store.channels.updateSecrets(
          channel.name,
          box.seal(channel.name, JSON.stringify(secrets)),
          channel.updatedAt,
        );
        logger.info(
          { channel: channel.name },
          'channel secrets re-sealed with the first CHANNEL_SECRETS_KEY',
        );
      }
      return createChannelSink(channel, settings, secrets, deps);
    } catch (error) {
      const code = error instanceof ChannelSecretsError ? error.code : 'channel-unreadable';
      const reason = error instanceof ChannelSecretsError ? error.message : describeError(error);
      logger.error({ channel: channel.name, code }, `channel cannot send: ${reason}`);
      return failingSink(name, code, reason, settings.digests);
    }
  }

  async function readAll(): Promise<void> {
    const [channels, nextRoutes] = await Promise.all([store.channels.list(), store.routes.list()]);
    const present = new Set<string>();
    for (const channel of channels) {
      const name = channelSinkName(channel.name);
      present.add(name);
      if (builtFrom.get(name) === channel.updatedAt) continue;
      sinks.get(name)?.close?.();
      sinks.set(name, await sinkOf(channel));
      builtFrom.set(name, channel.updatedAt);
    }
    for (const name of [...builtFrom.keys()].filter((n) => !present.has(n))) {
      sinks.get(name)?.close?.();
      sinks.delete(name);
      builtFrom.delete(name);
    }
    routes = nextRoutes;
  }

  // One read at a time; a refresh asked for during a read waits for it and reads again (it may carry a change).
  async function refresh(): Promise<void> {
    while (running !== null) await running.catch(() => undefined);
    running = readAll();
    try {
      await running;
    } finally {
      running = null;
    }
  }

  return {
    sinks,
    routing: (alert, kind) => routeAlert(routes, alert, deps.defaultRouting(alert, kind)),
    digestSinksFor: (tenantId) =>
      digestSinks(routes, tenantId, defaultDigestSinks(), (name) => sinks.get(name)?.digests !== false),
    routes: () => routes,
    refresh,
    start() {
      const every = deps.refreshMs ?? 15_000;
      const tick = (): void => {
        timer = setTimeout(() => {
          refresh()
            .catch((error: unknown) =>
              logger.warn(
                { err: describeError(error) },
                'alert routes could not be read; keeping the last ones',
              ),
            )
            .finally(() => {
              if (timer !== null) tick();
            });
        }, every);
        timer.unref();
      };
      tick();
    },
    async stop() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      await running?.catch(() => undefined);
      for (const name of builtFrom.keys()) sinks.get(name)?.close?.();
    },
  };
}
