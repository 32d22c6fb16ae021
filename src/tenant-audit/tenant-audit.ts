/**
 * The full-tenant audit: the whole picture on day one, and the baseline on first start. A streaming scan of every
 * user (users delta from null, page by page), identification of every resource account (DOMAIN.md §4), every current
 * violation of every account rule, and the allocation with its counting basis.
 *
 * Memory stays flat for a 300k-user tenant: a page is evaluated and dropped; only resource accounts and findings (what
 * the report lists) are kept. Delta from null is used rather than /users so that, with `record`, the deltaLink at the
 * end hands the reconciler a starting point exactly at the audit: nothing between the two is missed.
 */
import type { Finding, Routing, TenantId } from '../glossary';
import { GraphUnavailableError, RetryLaterError } from '../errors';
import type { DeltaPage, GraphReader, TeamsUserConfiguration } from '../graph/graph-reader';
import { allocationFromSkus } from '../licensing/allocation';
import { createLicenseCatalog } from '../licensing/license-catalog';
import type { Logger } from '../logger';
import type { Queue } from '../queue/queue';
import { evaluateAccount, evaluateTenant } from '../rules/evaluate';
import type { Store } from '../store/store';
import { toResourceAccount } from '../identification/identify-resource-account';
import { compareWithLastAudit, readLastAudit, writeLastAudit } from './audit-history';
import { createAuditIdentifier } from '../identification/audit-identification';
import { createAuditRecorder, type AuditRecorder } from './audit-recorder';
import type { AuditReport, AuditResourceAccount } from './audit-report';
import { mapWithConcurrency } from './bounded-concurrency';

export type { AuditReport, AuditResourceAccount } from './audit-report';

export interface AuditProgress {
  pages: number;
  usersScanned: number;
  resourceAccounts: number;
  findings: number;
}

export interface TenantAuditOptions {
  /** Write the verdicts as alerts (open/resolve), keep identifications, store the deltaLink for the reconciler. */
  record?: boolean;
  /** How long a Teams userConfiguration answer is trusted (default 6 h, as the worker); 0 asks about every candidate. */
  teamsTtlMs?: number;
  /** Teams lookups in flight at once (default 8). */
  concurrency?: number;
  /** ALLOCATION_COUNT_TEAMS_ROOMS: Teams Rooms SKUs count toward the free allocation (default: left out). */
  countTeamsRooms?: boolean;
  /** Called after every page (a progress bar on a terminal). */
  onProgress?: (progress: AuditProgress) => void;
}

export interface TenantAuditDeps {
  store: Store;
  graph: GraphReader;
  logger: Logger;
  tenantId: TenantId;
  now?: () => Date;
  options?: TenantAuditOptions;
  /** Which sinks an alert change goes to; required with `record`. */
  routing?: Routing;
  /** With `record`: users whose stored snapshot is missing or stale are queued for the worker to read. */
  queue?: Queue;
}

export async function runTenantAudit(deps: TenantAuditDeps): Promise<AuditReport> {
  const { store, graph, logger, tenantId } = deps;
  const now = deps.now ?? (() => new Date());
  const options = deps.options ?? {};
  const startedAt = now().toISOString();
  const log = logger.child({ tenantId, audit: startedAt });

  const skus = await graph.getSubscribedSkus(tenantId, { fresh: true });
  const catalog = createLicenseCatalog(skus);
  const teamsResourceAccounts = await listTeamsResourceAccountsOrNone(graph, tenantId, log);
  const identifier = await createAuditIdentifier({
    teamsResourceAccounts: new Map((teamsResourceAccounts ?? []).map((c) => [c.userId, c])),
    store,
    graph,
    tenantId,
    catalog,
    now,
    teamsTtlMs: options.teamsTtlMs ?? 6 * 3_600_000,
  });
  let recorder: AuditRecorder | null = null;
  if (options.record === true) {
    if (deps.routing === undefined)
      throw new Error('runTenantAudit with record: true needs routing (which sinks alerts go to)');
    recorder = await createAuditRecorder({
      store,
      tenantId,
      routing: deps.routing,
      queue: deps.queue ?? null,
      now,
    });
  }
  const previous = await readLastAudit(store, tenantId, log);

  const resourceAccounts: AuditResourceAccount[] = [];
  const findings: Finding[] = [];
  let usersScanned = 0;
  let pages = 0;
  let deltaLink: string | null = null;
  log.info({ record: options.record === true }, 'full-tenant audit started');

  let nextPage: Promise<DeltaPage> | null = graph.getUsersDeltaPage(tenantId, null);
  while (nextPage !== null) {
    const page: DeltaPage = await nextPage;
    // Graph pages the next users while this page is identified and recorded, so the audit takes about as long as
    // the paging alone rather than paging plus processing. A failed prefetch surfaces when it is awaited.
    nextPage =
      page.nextLink !== null && page.deltaLink === null
        ? graph.getUsersDeltaPage(tenantId, page.nextLink)
        : null;
    nextPage?.catch(() => undefined);
    pages++;
    const users = page.users.flatMap((u) => (u.kind === 'user' ? [u.snapshot] : []));
    usersScanned += users.length;
    const identified = await mapWithConcurrency(users, options.concurrency ?? 8, (snapshot) =>
      identifier.identify(snapshot),
    );
    for (const [index, snapshot] of users.entries()) {
      const identification = identified[index];
      if (identification === undefined) continue;
      const resourceAccount = toResourceAccount(snapshot, identification.identification);
      const found = evaluateAccount({ snapshot, resourceAccount, catalog });
      findings.push(...found);
      if (resourceAccount !== null) {
        resourceAccounts.push({
          userId: snapshot.userId,
          upn: snapshot.userPrincipalName,
          displayName: snapshot.displayName,
          identifiedBy: resourceAccount.identifiedBy,
          detail: resourceAccount.detail,
          application: resourceAccount.application,
          licenses: snapshot.assignedLicenses.map((l) => ({
            skuId: l.skuId,
            skuPartNumber: catalog.skuPartNumber(l.skuId),
          })),
        });
      }
      if (recorder !== null) await recorder.user(snapshot, found, identification);
    }
    if (recorder !== null) {
      for (const removed of page.users)
        if (removed.kind === 'removed') await recorder.removed(removed.userId);
    }
    options.onProgress?.({
      pages,
      usersScanned,
      resourceAccounts: resourceAccounts.length,
      findings: findings.length,
    });
    deltaLink = page.deltaLink;
  }

  const allocation = allocationFromSkus(skus, resourceAccounts.length, {
    countTeamsRooms: options.countTeamsRooms === true,
  });
  const tenantFindings = evaluateTenant({ tenantId, allocation });
  findings.push(...tenantFindings);
  // A scan that ended without a deltaLink did not see everyone: nothing may be concluded from who was not seen.
  const complete = deltaLink !== null;
  if (!complete)
    log.error(
      { pages },
      'users delta ended without a deltaLink: the audit is incomplete, unseen accounts are left as they are',
    );
  const recorded =
    recorder === null
      ? null
      : await recorder.finish(
          tenantFindings,
          deltaLink,
          complete ? identifier.unseenCachedResourceAccounts().map((r) => r.userId) : [],
        );

  const finishedAt = now().toISOString();
  const keys = findings.map((f) => f.dedupeKey);
  const comparison = compareWithLastAudit(previous, keys);
  if (complete) await writeLastAudit(store, tenantId, finishedAt, keys);
  log.info(
    {
      usersScanned,
      pages,
      resourceAccounts: resourceAccounts.length,
      findings: findings.length,
      new: comparison.newSinceLastAudit.length,
      recorded,
    },
    'full-tenant audit finished',
  );
  return {
    tenantId,
    startedAt,
    finishedAt,
    usersScanned,
    pages,
    teamsLookups: identifier.teamsLookups,
    teamsResourceAccountsListed: teamsResourceAccounts?.length ?? null,
    resourceAccounts,
    findings,
    allocation,
    previousAuditAt: previous?.finishedAt ?? null,
    ...comparison,
    recorded,
  };
}

/**
 * Teams' list of every resource account (issue 17 item 2), or null when it cannot be had (the permission is not
 * granted, Teams is down): the audit then finds resource accounts from candidates only, and says so in the log.
 * A throttle is thrown on: the audit is tried again later, list and all.
 */
async function listTeamsResourceAccountsOrNone(
  graph: GraphReader,
  tenantId: TenantId,
  log: Logger,
): Promise<TeamsUserConfiguration[] | null> {
  try {
    return await graph.listTeamsResourceAccounts(tenantId);
  } catch (error) {
    if (error instanceof RetryLaterError && !(error instanceof GraphUnavailableError)) throw error;
    log.warn(
      { err: error },
      "Teams' list of resource accounts could not be read: resource accounts are found from candidates only " +
        '(grant TeamsUserConfiguration.Read.All to find enabled, unlicensed ones in any department)',
    );
    return null;
  }
}
