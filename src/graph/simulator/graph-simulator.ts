/**
 * The Graph simulator: a real HTTP server speaking the part of Graph v1.0 ra-watch uses, for many tenants at once
 * (each scenario its own tenant, chosen by the bearer token), plus the hands a test or the demo needs: seeding,
 * license activities, user and group changes, faults, lifecycle events, and waiting for deliveries to settle.
 */
import type { AddressInfo } from 'node:net';
import { silentLogger } from '../../logger';
import type { LifecycleEvent } from '../wire-schemas';
import { Faults } from './faults';
import { DeniedPermissions } from './permissions';
import type { AuditRecord } from './license-audit-records';
import {
  groupChangeNotification,
  lifecycleNotification,
  userChangeNotification,
} from './notification-payloads';
import { Notifier, type DeliveryAttempt, type DeliveryBehaviour } from './notifier';
import type { SimContext } from './sim-context';
import { createSimulatorServer, type RecordedRequest } from './simulator-server';
import { SubscriptionRegistry, subscriptionWire } from './subscription-registry';
import { tenantSeedSchema, type SeedUser, type TenantSeed } from './tenant-seed';
import { TenantConsent } from './tenant-consent';
import { TenantState, type TenantChange, type UserPatch } from './tenant-state';

import type { GraphSimulatorOptions } from './simulator-options';

export type { GraphSimulatorOptions } from './simulator-options';
export type { RecordedRequest } from './simulator-server';
export type { DeliveryAttempt } from './notifier';
export type { FaultTarget, RouteMatcher } from './faults';

export interface LicenseChangeRequest {
  addLicenses?: Array<{ skuId: string; disabledPlans?: string[] }>;
  removeLicenses?: string[];
}

export interface SimulatedTenant {
  tenantId: string;
  accountName: string;
  /** `<accountName>.onmicrosoft.com`: the tenant's initial (and default) domain. */
  domain: string;
  displayName: string;
  token: string;
  users: number;
}

export interface SimulatorFaults extends Faults {
  /** Every delta token of the tenant issued so far answers 410 (syncStateNotFound). */
  expireDeltaTokens(tenantId: string): void;
  /** The tenant's next `count` license activities leave no audit records (Graph's log is known to miss some). */
  omitAuditRecordsNext(tenantId: string, count: number): void;
}

/** The correlationId of the audit records one license activity leaves. */
export type LicenseActivityId = string;

export interface GraphSimulator {
  /** Use as GRAPH_BASE_URL: `http://127.0.0.1:{port}` (Graph paths are under `/v1.0`). */
  url: string;
  tokenFor(tenantId: string): string;
  tenants(): SimulatedTenant[];
  /** Creates the tenant (replacing one with the same id) and returns its id. */
  seed(seedOrScenario: TenantSeed | { seed: TenantSeed }): string;
  faults: SimulatorFaults;
  /** From now on these permissions are missing (their routes answer 403); `[]` grants every one again. */
  denyPermissions(permissions: readonly string[]): void;
  /** Per-tenant admin consent of the multi-tenant app (tenant-consent.ts); the Entra simulator reads it too. */
  consent: TenantConsent;
  assignLicense(tenantId: string, userIdOrUpn: string, change: LicenseChangeRequest): LicenseActivityId;
  /** Returns the new user's id. Creation reaches users subscriptions as `updated`. */
  createUser(tenantId: string, user: SeedUser): string;
  updateUser(tenantId: string, userIdOrUpn: string, patch: UserPatch): void;
  deleteUser(tenantId: string, userIdOrUpn: string, options?: { permanent?: boolean }): void;
  addGroupMember(tenantId: string, groupId: string, userIdOrUpn: string): void;
  removeGroupMember(tenantId: string, groupId: string, userIdOrUpn: string): void;
  /** The id of a live user, by id or userPrincipalName. */
  userId(tenantId: string, userIdOrUpn: string): string;
  /** Live subscriptions of the tenant, in Graph's shape. */
  subscriptions(tenantId: string): Array<Record<string, unknown>>;
  /** The subscription lapses now: no more deliveries, GET/PATCH answer 404. */
  expireSubscription(subscriptionId: string): void;
  sendLifecycle(subscriptionId: string, event: LifecycleEvent): void;
  /** Every audit record of the tenant, visible yet or not, newest first. */
  auditRecords(tenantId: string): AuditRecord[];
  /** The most recent 20,000 requests, oldest first. */
  requests(): RecordedRequest[];
  deliveries(): DeliveryAttempt[];
  flushNotifications(): Promise<void>;
  stop(): Promise<void>;
}

/** Requests and delivery attempts kept for inspection (the most recent ones). */
const MAX_RECORDED = 20_000;

export async function startGraphSimulator(options: GraphSimulatorOptions = {}): Promise<GraphSimulator> {
  const logger = (options.logger ?? silentLogger()).child({ component: 'graph-simulator' });
  const tenants = new Map<string, TenantState>();
  const recorded: RecordedRequest[] = [];
  const auditLag = options.auditLagMs ?? 3000;
  const lags = {
    auditLagMs: typeof auditLag === 'number' ? () => auditLag : auditLag,
    groupLicensingLagMs: () => options.groupLicensingLagMs ?? 0,
  };
  const registry = new SubscriptionRegistry({
    validationTimeoutMs: options.validationTimeoutMs ?? 10_000,
    maxPerTenant: options.maxSubscriptionsPerTenant ?? 100,
  });
  const n = options.notifications ?? {};
  const notifier = new Notifier({
    latencyMs: n.latencyMs ?? 100,
    duplicateRate: n.duplicateRate ?? 0,
    reorder: n.reorder ?? false,
    random: n.random ?? Math.random,
    timeoutMs: n.timeoutMs ?? 3000,
    maxAttempts: n.maxAttempts ?? 4,
    retryBaseMs: n.retryBaseMs ?? 1000,
    maxPerPost: 50,
    logger,
    behaviourFor: (tenantId) => {
      const overrides: Partial<DeliveryBehaviour> = {};
      const seeded = tenants.get(tenantId)?.seed.notifications;
      if (seeded?.duplicateRate !== undefined) overrides.duplicateRate = seeded.duplicateRate;
      if (seeded?.reorder !== undefined) overrides.reorder = seeded.reorder;
      return overrides;
    },
  });

  const tenantOf = (tenantId: string): TenantState => {
    const tenant = tenants.get(tenantId.toLowerCase());
    if (!tenant)
      throw new Error(
        `The simulator has no tenant ${tenantId}; seed it first (known: ${[...tenants.keys()].join(', ') || 'none'}).`,
      );
    // Whatever was due by now (a group license after its lag) has happened before anyone looks.
    tenant.settle();
    return tenant;
  };

  const announce = (tenantId: string, change: TenantChange): void => {
    if (change.kind === 'user' && change.licenses && n.onLicenseChange === false) return;
    const resource = change.kind === 'user' ? 'users' : 'groups';
    const changeType = change.kind === 'user' ? change.changeType : 'updated';
    for (const subscription of registry.active(tenantId, resource)) {
      if (!subscription.changeTypes.has(changeType)) continue;
      notifier.enqueue({
        tenantId,
        subscriptionId: subscription.id,
        url: subscription.notificationUrl,
        payload: () => {
          // Built at delivery time: a subscription that lapsed meanwhile gets nothing.
          const live = registry.find(subscription.id);
          if (!live || live.expirationMs <= Date.now()) return null;
          return change.kind === 'user'
            ? userChangeNotification(live, change.userId, change.changeType)
            : groupChangeNotification(live, change.groupId, change.memberId, change.removed);
        },
      });
    }
  };

  let baseUrl = '';
  const ctx: SimContext = {
    tenant: tenantOf,
    baseUrl: () => baseUrl,
    subscriptions: registry,
    deltaPageSize: options.deltaPageSize ?? 50,
    deltaTokenTtlMs: options.deltaTokenTtlMs ?? 7 * 24 * 3_600_000,
  };
  const faults = new Faults() as SimulatorFaults;
  faults.expireDeltaTokens = (tenantId: string) => {
    tenantOf(tenantId).deltaEpoch++;
  };
  faults.omitAuditRecordsNext = (tenantId: string, count: number) => {
    tenantOf(tenantId).omitAuditRecords += count;
  };

  const denied = new DeniedPermissions(options.deniedPermissions ?? []);

  const consent = new TenantConsent();
  const tokenPrefix = 'sim.';
  const server = createSimulatorServer({
    ctx,
    faults,
    denied,
    logger,
    record: (r) => {
      // Bounded: a simulator behind a long-running `npm start` must not grow without end.
      if (recorded.push(r) > MAX_RECORDED) recorded.splice(0, recorded.length - MAX_RECORDED);
    },
    responseLatencyMs: options.responseLatencyMs ?? 0,
    refusal: (req) => consent.refusal(req),
    tenantForToken: (token) => {
      if (!token.startsWith(tokenPrefix)) return undefined;
      const tenantId = token.slice(tokenPrefix.length).toLowerCase();
      return tenants.has(tenantId) && consent.isGranted(tenantId) ? tenantId : undefined;
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  baseUrl = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;

  const simulator: GraphSimulator = {
    url: baseUrl,
    tokenFor: (tenantId) => `${tokenPrefix}${tenantId.toLowerCase()}`,
    tenants: () =>
      [...tenants.values()].map((t) => ({
        tenantId: t.tenantId,
        accountName: t.accountName,
        domain: t.domain,
        displayName: t.displayName,
        token: `${tokenPrefix}${t.tenantId}`,
        users: [...t.users.values()].filter((u) => u.deleted === null).length,
      })),
    seed: (seedOrScenario) => {
      const raw = 'seed' in seedOrScenario ? seedOrScenario.seed : seedOrScenario;
      const parsed = tenantSeedSchema.parse(raw);
      const tenant = new TenantState(parsed, lags, announce);
      tenants.get(tenant.tenantId)?.stop();
      tenants.set(tenant.tenantId, tenant);
      // A seed may say what its consent lacks (a seed that says nothing leaves the consent as it was).
      if (parsed.missingPermissions.length > 0)
        consent.grant(tenant.tenantId, { missing: parsed.missingPermissions });
      return tenant.tenantId;
    },
    faults,
    denyPermissions: (permissions) => denied.set(permissions),
    consent,
    assignLicense: (tenantId, user, change) =>
      tenantOf(tenantId).assignLicense(user, {
        addLicenses: (change.addLicenses ?? []).map((l) => ({
          skuId: l.skuId,
          disabledPlans: l.disabledPlans ?? [],
        })),
        removeLicenses: change.removeLicenses ?? [],
      }),
    createUser: (tenantId, user) => tenantOf(tenantId).createUser(user).id,
    updateUser: (tenantId, user, patch) => tenantOf(tenantId).updateUser(user, patch),
    deleteUser: (tenantId, user, opts) => tenantOf(tenantId).deleteUser(user, opts),
    addGroupMember: (tenantId, groupId, user) => tenantOf(tenantId).addGroupMember(groupId, user),
    removeGroupMember: (tenantId, groupId, user) => tenantOf(tenantId).removeGroupMember(groupId, user),
    userId: (tenantId, user) => tenantOf(tenantId).requireUser(user).id,
    subscriptions: (tenantId) => registry.active(tenantId.toLowerCase()).map(subscriptionWire),
    expireSubscription: (id) => registry.expire(id),
    sendLifecycle: (subscriptionId, event) => {
      const subscription = registry.find(subscriptionId);
      if (!subscription) throw new Error(`No subscription ${subscriptionId}.`);
      if (subscription.lifecycleNotificationUrl === null)
        throw new Error(
          `Subscription ${subscriptionId} has no lifecycleNotificationUrl; Graph sends lifecycle events only there.`,
        );
      const body = lifecycleNotification(subscription, event);
      notifier.enqueue({
        tenantId: subscription.tenantId,
        subscriptionId,
        url: subscription.lifecycleNotificationUrl,
        payload: () => body,
      });
      if (event === 'subscriptionRemoved') registry.remove(subscriptionId);
    },
    auditRecords: (tenantId) => [...tenantOf(tenantId).audit.all()].reverse(),
    requests: () => [...recorded],
    deliveries: () => notifier.deliveries(),
    flushNotifications: () => notifier.flush(),
    stop: async () => {
      notifier.stop();
      for (const tenant of tenants.values()) tenant.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  for (const seed of options.seeds ?? []) simulator.seed(seed);
  logger.info({ url: baseUrl, tenants: tenants.size }, 'graph simulator listening');
  return simulator;
}
