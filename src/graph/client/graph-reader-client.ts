/**
 * The GraphReader port (graph-reader.ts) over real Microsoft Graph v1.0, or anything that speaks it (a national
 * cloud, the simulator). Every answer is validated with the wire schemas and translated to glossary types.
 */
import { DeltaExpiredError, GraphUnavailableError, PermanentError } from '../../errors';
import type { IsoTime, LicenseActivity, SubscribedSku, TenantId, UserId, UserSnapshot } from '../../glossary';
import type { Logger } from '../../logger';
import type { DeltaPage, GraphReader, TeamsUserConfiguration } from '../graph-reader';
import { deltaPageSchema, graphUserSchema, subscribedSkusResponseSchema } from '../wire-schemas';
import { INCLUDE_UNKNOWN_ENUM_MEMBERS, teamsEntityOf } from '../teams-wire-schemas';
import { graphErrorOf, parseGraphBody, unexpectedAnswer, type GraphAnswer } from './graph-error';
import { createGraphHttp, type GraphHttp } from './graph-http';
import type { RetryOptions } from './retry-policy';
import type { GraphFallback, GraphTrafficObserver } from './graph-traffic';
import type { TokenProvider } from './credential';
import { DELTA_SELECT, USER_SELECT, deletedSnapshot, deltaSnapshot, toUserSnapshot } from './user-snapshot';
import { getUsersBatched } from './users-batch';
import { readLicenseActivities, readLicenseActivitiesBatched } from './license-activities-read';
import { listTeamsResourceAccounts } from './teams-resource-accounts';

export interface GraphReaderOptions {
  baseUrl: string;
  tokenProvider: TokenProvider;
  logger: Logger;
  /** How long a tenant's subscribedSkus stay cached (default 10 minutes). */
  skuCacheMs?: number;
  retry?: Partial<RetryOptions>;
  /** Told of every Graph answer and throttle (metrics). */
  observer?: GraphTrafficObserver;
  requestTimeoutMs?: number;
}

export const DEFAULT_SKU_CACHE_MS = 10 * 60_000;
const DELTA_EXPIRED_CODES = new Set(['syncstatenotfound', 'resyncrequired', 'syncstateinvalid']);

export function createGraphReader(options: GraphReaderOptions): GraphReader {
  const logger = options.logger.child({ component: 'graph-reader' });
  const http: GraphHttp = createGraphHttp({
    baseUrl: options.baseUrl,
    tokenProvider: options.tokenProvider,
    logger: options.logger,
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    ...(options.observer === undefined ? {} : { observer: options.observer }),
  });
  const skuCacheMs = options.skuCacheMs ?? DEFAULT_SKU_CACHE_MS;
  const skuCache = new Map<TenantId, { at: number; skus: Promise<SubscribedSku[]> }>();
  const teamsPermissionWarned = new Set<TenantId>();
  const observeFallback = (kind: GraphFallback, status: number): void => {
    try {
      options.observer?.fellBack?.({ kind, status });
    } catch (error) {
      logger.warn({ err: error }, 'the Graph traffic observer failed; the read goes on');
    }
  };

  async function getUser(tenantId: TenantId, userId: UserId): Promise<UserSnapshot> {
    const answer = await http.send(tenantId, {
      method: 'GET',
      path: `/users/${encodeURIComponent(userId)}?$select=${USER_SELECT}`,
    });
    const observedAt = new Date().toISOString();
    if (answer.status === 404) return deletedSnapshot(tenantId, userId, observedAt);
    if (answer.status !== 200) throw unexpectedAnswer(answer, 'User.Read.All');
    return toUserSnapshot(tenantId, parseGraphBody(graphUserSchema, answer.body, answer.what), observedAt);
  }

  async function fetchSkus(tenantId: TenantId): Promise<SubscribedSku[]> {
    const answer = await http.send(tenantId, { method: 'GET', path: '/subscribedSkus' });
    if (answer.status !== 200)
      throw unexpectedAnswer(answer, 'Organization.Read.All (or LicenseAssignment.Read.All)');
    return parseGraphBody(subscribedSkusResponseSchema, answer.body, answer.what).value.map((sku) => ({
      skuId: sku.skuId,
      skuPartNumber: sku.skuPartNumber,
      capabilityStatus: sku.capabilityStatus,
      enabledUnits: sku.prepaidUnits.enabled,
      consumedUnits: sku.consumedUnits,
      servicePlans: sku.servicePlans.map((p) => ({
        servicePlanId: p.servicePlanId,
        servicePlanName: p.servicePlanName,
      })),
    }));
  }

  function getSubscribedSkus(tenantId: TenantId, opts?: { fresh?: boolean }): Promise<SubscribedSku[]> {
    const cached = skuCache.get(tenantId);
    if (cached !== undefined && opts?.fresh !== true && Date.now() - cached.at < skuCacheMs)
      return cached.skus;
    // Concurrent callers share one request; a failure is not cached.
    const skus = fetchSkus(tenantId);
    skuCache.set(tenantId, { at: Date.now(), skus });
    skus.catch(() => {
      if (skuCache.get(tenantId)?.skus === skus) skuCache.delete(tenantId);
    });
    return skus;
  }

  /** Teams said nothing usable for this user: counted, logged, and identification falls back (issue 17 item 3). */
  const teamsSilent = (tenantId: TenantId, userId: UserId, status: number, why: string): null => {
    observeFallback('teams_silent', status);
    logger.warn(
      { tenantId, userId, status, why },
      'Teams userConfiguration read failed; identifying from the other sources',
    );
    return null;
  };

  async function getTeamsUserConfiguration(
    tenantId: TenantId,
    userId: UserId,
  ): Promise<TeamsUserConfiguration | null> {
    let answer: GraphAnswer;
    try {
      answer = await http.send(tenantId, {
        method: 'GET',
        path: `/admin/teams/userConfigurations/${encodeURIComponent(userId)}`,
        headers: INCLUDE_UNKNOWN_ENUM_MEMBERS,
      });
    } catch (error) {
      // A throttle stays a throttle (the change is tried again later, Teams and all); an outage or a timeout is
      // Teams being silent: the change is still processed from the other sources, never dead-lettered over it.
      if (error instanceof GraphUnavailableError) return teamsSilent(tenantId, userId, 0, error.message);
      if (error instanceof PermanentError && error.reason === 'graph-shape')
        return teamsSilent(tenantId, userId, 200, error.message);
      throw error;
    }
    if (answer.status === 404) return null;
    if (answer.status === 403 || answer.status === 401) {
      // Identification falls back to weaker sources; say once per tenant what would make it stronger.
      if (!teamsPermissionWarned.has(tenantId)) {
        teamsPermissionWarned.add(tenantId);
        logger.warn(
          { tenantId, status: answer.status, code: graphErrorOf(answer.body).code },
          'Graph refused admin/teams/userConfigurations: grant TeamsUserConfiguration.Read.All to identify resource accounts that lost every license',
        );
      }
      return null;
    }
    if (answer.status !== 200)
      return teamsSilent(tenantId, userId, answer.status, `answered ${answer.status}`);
    const config = teamsEntityOf(answer.body, userId);
    if (config === null)
      return teamsSilent(tenantId, userId, 200, 'the body is not a userConfiguration of this user');
    return { userId: config.id, accountType: config.accountType, featureTypes: config.featureTypes ?? [] };
  }

  function getLicenseActivities(
    tenantId: TenantId,
    userId: UserId,
    from: IsoTime,
    to: IsoTime,
  ): Promise<LicenseActivity[]> {
    return readLicenseActivities(http, logger, tenantId, { userId, from, to });
  }

  // Delta returns every selected property of a changed user (unchanged ones with their old value; never-set ones
  // absent), as long as we do not send `Prefer: return=minimal`. So an absent assignedLicenses means none.
  async function getUsersDeltaPage(tenantId: TenantId, link: string | null): Promise<DeltaPage> {
    const answer = await http.send(tenantId, {
      method: 'GET',
      path: link ?? `/users/delta?$select=${DELTA_SELECT}`,
    });
    if (answer.status !== 200) {
      const { code, message } = graphErrorOf(answer.body);
      const said = `${answer.status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`;
      // Graph answers a dead delta link with one 4xx or another (400, 404, 410; syncStateNotFound and others, delta
      // query overview): any of them on a stored link means start over, never retry that link. 401/403 are about
      // the app, 429 about the rate: the same on a full sync, so not "dead link".
      const deadLink =
        (link !== null &&
          answer.status >= 400 &&
          answer.status < 500 &&
          ![401, 403, 429].includes(answer.status)) ||
        answer.status === 410 ||
        (code !== null && DELTA_EXPIRED_CODES.has(code.toLowerCase()));
      if (deadLink) {
        observeFallback('delta_link_dead', answer.status);
        logger.warn(
          { tenantId, status: answer.status, code },
          'users delta link refused: dropping it for a full sync',
        );
        throw new DeltaExpiredError(
          `Graph no longer knows this users delta link (${said}): start a full sync`,
        );
      }
      throw unexpectedAnswer(answer, 'User.Read.All');
    }
    const page = parseGraphBody(deltaPageSchema, answer.body, answer.what);
    const observedAt = new Date().toISOString();
    return {
      users: page.value.map((user) =>
        user['@removed'] !== undefined
          ? { kind: 'removed' as const, userId: user.id, reason: user['@removed'].reason }
          : { kind: 'user' as const, snapshot: deltaSnapshot(tenantId, user, observedAt) },
      ),
      nextLink: page['@odata.nextLink'] ?? null,
      deltaLink: page['@odata.deltaLink'] ?? null,
    };
  }

  return {
    getUser,
    getUsers: (tenantId, userIds) => getUsersBatched(http, logger, tenantId, userIds),
    getSubscribedSkus,
    getTeamsUserConfiguration,
    listTeamsResourceAccounts: (tenantId) => listTeamsResourceAccounts(http, logger, tenantId),
    getLicenseActivities,
    getLicenseActivitiesBatch: (tenantId, queries) =>
      readLicenseActivitiesBatched(http, logger, tenantId, queries),
    getUsersDeltaPage,
  };
}
