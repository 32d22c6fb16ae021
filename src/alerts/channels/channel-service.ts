/**
 * Named channels and per-tenant routes (issue 19), for the API, the console and the CLI alike: validate, seal the
 * secrets, store, and make the routing read the change at once (channel-routing.ts). What it gives back is a view
 * that names what an admin may see (kind, a URL's host, the recipients, who uses it) and never a secret: a webhook URL
 * is a credential, and the API's callers include read-only tokens and a browser.
 */
import { randomBytes } from 'node:crypto';
import type { TenantId } from '../../glossary';
import type { Store, StoredChannel, StoredRoute } from '../../store/store';
import { tenantLabels } from '../../tenants/tenant-names';
import { buildTestMessage } from '../alert-message';
import { urlSecrets } from '../redact-url';
import { testSinksResult } from '../sink-result';
import {
  channelSettings,
  openChannelSecrets,
  sealChannelSecrets,
  type ChannelInput,
  type ChannelSecrets,
  type RouteInput,
} from './channel-input';
import type { ChannelRouting } from './channel-routing';
import { SECRETS_KEY_MISSING, type ChannelSecretBox } from './channel-secrets';
import { channelSinkName, ROUTE_DEFAULT_SEVERITIES } from './route-table';

/** A refusal the caller can act on: the HTTP status and code the API answers with, the message as written. */
export class ChannelServiceError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ChannelServiceError';
  }
}

export interface ChannelView {
  name: string;
  kind: StoredChannel['kind'];
  /** A URL's host, or the e-mail recipients: never the URL itself. */
  target: string;
  /** A webhook channel's signing secret is set. */
  secretSet: boolean;
  digests: boolean;
  createdAt: string;
  createdBy: string | null;
  /** The routes that send to it. */
  usedBy: string[];
}

export interface RouteView {
  id: string;
  /** Empty: every tenant. */
  tenantIds: TenantId[];
  /** Each tenant with its name (null when it is not in the registry any more). */
  tenants: Array<{ id: TenantId; label: string | null }>;
  severities: StoredRoute['severities'];
  channels: string[];
  alsoDefault: boolean;
  createdAt: string;
  createdBy: string | null;
}

export interface ChannelTestResult {
  ok: boolean;
  detail: string | null;
}

export interface ChannelService {
  listChannels(): Promise<ChannelView[]>;
  getChannel(name: string): Promise<ChannelView>;
  addChannel(input: ChannelInput, by: string | null): Promise<ChannelView>;
  removeChannel(name: string): Promise<void>;
  testChannel(name: string): Promise<ChannelTestResult>;
  listRoutes(): Promise<{ routes: RouteView[]; defaultChannels: string[] }>;
  addRoute(input: RouteInput, by: string | null): Promise<RouteView>;
  removeRoute(id: string): Promise<void>;
}

export interface ChannelServiceDeps {
  store: Store;
  routing: ChannelRouting;
  box: ChannelSecretBox;
  /** The environment's sink names (the default route), shown beside the routes. */
  defaultChannels: readonly string[];
  now?: () => Date;
}

/** What may be shown of a channel's destination. */
function targetOf(input: ChannelInput): string {
  if (input.kind === 'email') return (input.to ?? []).join(', ');
  return new URL(input.url ?? '').host;
}

export function createChannelService(deps: ChannelServiceDeps): ChannelService {
  const { store, routing, box } = deps;
  const now = deps.now ?? (() => new Date());

  const notFound = (name: string) =>
    new ChannelServiceError(
      404,
      'not-found',
      `There is no channel "${name}". List them with GET /api/channels.`,
    );

  const view = (channel: StoredChannel, routes: readonly StoredRoute[]): ChannelView => {
    const settings = channelSettings.parse(channel.settings);
    return {
      name: channel.name,
      kind: channel.kind,
      target: channel.target,
      secretSet: settings.signed === true,
      digests: settings.digests,
      createdAt: channel.createdAt,
      createdBy: channel.createdBy,
      usedBy: routes.filter((r) => r.channels.includes(channel.name)).map((r) => r.id),
    };
  };

  const routeView = (route: StoredRoute, labels: Map<TenantId, string>, known: Set<TenantId>): RouteView => ({
    id: route.id,
    tenantIds: route.tenantIds,
    tenants: route.tenantIds.map((id) => ({ id, label: labels.get(id) ?? (known.has(id) ? id : null) })),
    severities: route.severities,
    channels: route.channels,
    alsoDefault: route.alsoDefault,
    createdAt: route.createdAt,
    createdBy: route.createdBy,
  });

  return {
    async listChannels() {
      const [channels, routes] = await Promise.all([store.channels.list(), store.routes.list()]);
      return channels.map((c) => view(c, routes));
    },

    async getChannel(name) {
      const channel = await store.channels.get(name);
      if (channel === null) throw notFound(name);
      return view(channel, await store.routes.list());
    },

    async addChannel(input, by) {
      const secrets: ChannelSecrets = {
        ...(input.url === undefined ? {} : { url: input.url }),
        ...(input.secret === undefined ? {} : { secret: input.secret }),
      };
      if (Object.keys(secrets).length > 0 && !box.enabled)
        throw new ChannelServiceError(409, 'channel-secrets-key-missing', SECRETS_KEY_MISSING);
      const at = now().toISOString();
      const channel: StoredChannel = {
        name: input.name,
        kind: input.kind,
        target: targetOf(input),
        sealedSecrets: sealChannelSecrets(box, input.name, secrets),
        settings: {
          digests: input.digests ?? input.kind !== 'webhook',
          ...(input.to === undefined ? {} : { to: input.to }),
          ...(input.secret === undefined ? {} : { signed: true }),
        },
        createdAt: at,
        createdBy: by,
        updatedAt: at,
      };
      if (!(await store.channels.insert(channel)))
        throw new ChannelServiceError(
          409,
          'exists',
          `A channel named "${input.name}" exists. Remove it first (DELETE /api/channels/${input.name}) to replace it.`,
        );
      await routing.refresh();
      return view(channel, []);
    },

    async removeChannel(name) {
      const routes = await store.routes.list();
      const users = routes.filter((r) => r.channels.includes(name)).map((r) => r.id);
      if (users.length > 0)
        throw new ChannelServiceError(
          409,
          'channel-in-use',
          `Channel "${name}" is used by route ${users.join(', ')}: remove the route first (DELETE /api/routes/<id>).`,
        );
      if (!(await store.channels.delete(name))) throw notFound(name);
      await routing.refresh();
    },

    async testChannel(name) {
      const channel = await store.channels.get(name);
      if (channel === null) throw notFound(name);
      await routing.refresh();
      const sinkName = channelSinkName(name);
      const at = now().toISOString();
      // Whatever a peer echoed back into its error, the channel's URL parts never reach the caller.
      let secrets: string[] = [];
      try {
        const opened = openChannelSecrets(box, channel);
        secrets = [...(opened.url === undefined ? [] : urlSecrets(opened.url)), ...(opened.secret ?? [])];
      } catch {
        // The sink itself fails with the reason (channel-routing.ts); nothing to redact then.
      }
      const result = await testSinksResult(
        routing.sinks.get(sinkName),
        sinkName,
        (sink) => sink.send(buildTestMessage(at), `test:${sinkName}:${at}`),
        secrets,
      );
      return { ok: result.ok, detail: result.error ?? null };
    },

    async listRoutes() {
      const [routes, labels, tenants] = await Promise.all([
        store.routes.list(),
        tenantLabels(store),
        store.tenants.list(),
      ]);
      const known = new Set(tenants.map((t) => t.id));
      return {
        routes: routes.map((r) => routeView(r, labels, known)),
        defaultChannels: [...deps.defaultChannels],
      };
    },

    async addRoute(input, by) {
      const [channels, tenants] = await Promise.all([store.channels.list(), store.tenants.list()]);
      const channelNames = new Set(channels.map((c) => c.name));
      const unknownChannels = input.channels.filter((c) => !channelNames.has(c));
      if (unknownChannels.length > 0)
        throw new ChannelServiceError(
          400,
          'unknown-channel',
          `channels: ${unknownChannels.map((c) => `"${c}"`).join(', ')} ${unknownChannels.length === 1 ? 'is' : 'are'} not a channel; add it first (POST /api/channels).`,
        );
      const live = tenants.filter((t) => t.status !== 'removed');
      const watched = new Set(live.map((t) => t.id));
      // A domain names the tenant whose default domain it is (`routes add --tenant contoso.onmicrosoft.com`).
      const byDomain = new Map(
        live.flatMap((t) =>
          t.defaultDomain === null ? [] : [[t.defaultDomain.toLowerCase(), t.id] as const],
        ),
      );
      const tenantIds = [...new Set((input.tenantIds ?? []).map((ref) => byDomain.get(ref) ?? ref))];
      const unknownTenants = tenantIds.filter((id) => !watched.has(id));
      if (unknownTenants.length > 0)
        throw new ChannelServiceError(
          400,
          'unknown-tenant',
          `tenantIds: ${unknownTenants.join(', ')} ${unknownTenants.length === 1 ? 'is' : 'are'} not a watched tenant (by id or default domain); see GET /api/tenants, or add it first (POST /api/tenants).`,
        );
      const route: StoredRoute = {
        id: `r-${randomBytes(4).toString('hex')}`,
        tenantIds,
        severities: input.severities ?? [...ROUTE_DEFAULT_SEVERITIES],
        channels: input.channels,
        alsoDefault: input.alsoDefault ?? false,
        createdAt: now().toISOString(),
        createdBy: by,
      };
      await store.routes.insert(route);
      await routing.refresh();
      const labels = await tenantLabels(store);
      return routeView(route, labels, watched);
    },

    async removeRoute(id) {
      if (!(await store.routes.delete(id)))
        throw new ChannelServiceError(
          404,
          'not-found',
          `There is no route "${id}". List them with GET /api/routes.`,
        );
      await routing.refresh();
    },
  };
}
