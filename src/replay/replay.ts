/**
 * Post-incident replay: the stored events of a range, re-evaluated with today's rules and today's knowledge of
 * which accounts are resource accounts, compared with the alerts raised at the time (see replay-comparison.ts).
 *
 * - Count first: the report says how many events the range covers before any is read.
 * - Constant memory in the size of the range: events are read page by page (keyset on id), items stream to
 *   `onItem`. What is held grows with the tenant's alerts and resource accounts, never with the events.
 * - Dry run by default: nothing is written except the replay record.
 * - `deliver`: the `new` findings (would fire now, did not then) are written through `recordObservation` marked
 *   `replayed`, so the normal outbox delivers them. Idempotent: a dedupe key that already has any alert (an earlier
 *   replay's, or one ra-watch raised at another time) is not sent again. The observation's scope names no rule,
 *   so a replay never resolves anything, and it carries no snapshot or change, so the log and the "last seen"
 *   state are untouched.
 */
import { randomUUID } from 'node:crypto';
import type { Finding, Routing, RuleId, TenantId } from '../glossary';
import type { LicenseCatalog } from '../licensing/license-catalog';
import type { Logger } from '../logger';
import { evaluateAccount, evaluateSwap } from '../rules/evaluate';
import type { EventQuery, Store, StoredEvent } from '../store/store';
import { createReplayAlertIndex } from './replay-alert-index';
import { compareWithAlerts } from './replay-comparison';
import {
  REPLAYABLE_RULES,
  parseReplaySelection,
  type ReplaySelection,
  type ReplaySelectionInput,
} from './replay-range';
import { saveReplayRecord } from './replay-record';
import {
  emptyCounts,
  toReplayItem,
  type ItemDelivery,
  type ReplayItem,
  type ReplayReport,
} from './replay-report';
import { createStoredResourceAccountLookup, type ResourceAccountFor } from './replay-resource-accounts';
import { resolveReplayUser } from './replay-user';

export interface ReplayDeps {
  store: Store;
  catalogFor: (tenantId: TenantId) => Promise<LicenseCatalog> | LicenseCatalog;
  /** Defaults to the store's registry and identifications (createStoredResourceAccountLookup). */
  resourceAccountFor?: ResourceAccountFor;
  logger: Logger;
  now?: () => Date;
  /** The configured tenant, used to find a UPN when the selection names no tenant. */
  defaultTenantId?: TenantId | null;
}

export interface ReplayOptions {
  /** Send the would-have-fired alerts (marked replayed). Default false: a dry run. */
  deliver?: boolean;
  /** Which sinks an alert goes to (alert-routing.ts); used only with deliver. */
  routing: Routing;
  /** Who asked (CLI user, API caller): recorded with the replay. */
  by: string;
  /** Events per store query (default 1000). */
  pageSize?: number;
  /** Items kept in the returned report (default 1000); every item goes to `onItem`. */
  itemLimit?: number;
  onItem?: (item: ReplayItem) => void | Promise<void>;
  /** Told how many events the range covers before any is read (the CLI prints it first). */
  onCounted?: (covered: number, selection: ReplaySelection) => void | Promise<void>;
}

/** The preview: the effective selection and how many events it covers. Reads nothing else, writes nothing. */
export async function previewReplay(
  deps: ReplayDeps,
  input: ReplaySelectionInput,
): Promise<{ selection: ReplaySelection; covered: number }> {
  const now = (deps.now ?? (() => new Date()))();
  const selection = await resolveSelection(deps, parseReplaySelection(input, now));
  return { selection, covered: await deps.store.events.count(eventQuery(selection)) };
}

const ACCOUNT_CACHE = 10_000;

export async function replay(
  deps: ReplayDeps,
  input: ReplaySelectionInput,
  options: ReplayOptions,
): Promise<ReplayReport> {
  const clock = deps.now ?? (() => new Date());
  const startedAt = clock().toISOString();
  const selection = await resolveSelection(deps, parseReplaySelection(input, new Date(startedAt)));
  const report: ReplayReport = {
    replayId: randomUUID(),
    by: options.by,
    mode: options.deliver === true ? 'deliver' : 'dry-run',
    startedAt,
    finishedAt: startedAt,
    selection,
    covered: 0,
    replayed: 0,
    findings: 0,
    outcomes: emptyCounts(),
    byRule: {},
    delivery: { delivered: 0, alreadyDelivered: 0, alreadyAlerted: 0 },
    items: [],
    itemsOmitted: 0,
    notice: null,
  };
  const log = deps.logger.child({ replayId: report.replayId });
  let failure: unknown = null;
  try {
    const query = eventQuery(selection);
    report.covered = await deps.store.events.count(query);
    log.info({ selection, covered: report.covered, mode: report.mode, by: options.by }, 'replay started');
    if (options.onCounted !== undefined) await options.onCounted(report.covered, selection);
    if (report.covered === 0) {
      report.notice = `No events were received between ${selection.from} and ${selection.to}${describeNarrowing(selection)}: nothing to replay, nothing sent.`;
    } else {
      await replayRange(deps, selection, query, options, report, clock);
    }
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    report.finishedAt = clock().toISOString();
    await saveReplayRecord(deps.store, {
      replayId: report.replayId,
      by: report.by,
      mode: report.mode,
      startedAt: report.startedAt,
      finishedAt: report.finishedAt,
      selection: report.selection,
      covered: report.covered,
      replayed: report.replayed,
      findings: report.findings,
      outcomes: report.outcomes,
      delivered: report.delivery.delivered,
      error: failure === null ? null : failure instanceof Error ? failure.message : 'replay failed',
    }).catch((error: unknown) => log.error({ err: error }, 'could not record the replay'));
    log.info(
      { replayed: report.replayed, outcomes: report.outcomes, delivery: report.delivery },
      'replay finished',
    );
  }
  return report;
}

async function replayRange(
  deps: ReplayDeps,
  selection: ReplaySelection,
  query: EventQuery,
  options: ReplayOptions,
  report: ReplayReport,
  clock: () => Date,
): Promise<void> {
  const { store } = deps;
  const pageSize = options.pageSize ?? 1000;
  const itemLimit = options.itemLimit ?? 1000;
  const ruleIds: readonly RuleId[] = selection.ruleId === null ? REPLAYABLE_RULES : [selection.ruleId];
  const inScope = new Set(ruleIds);
  const resourceAccountFor =
    deps.resourceAccountFor ?? createStoredResourceAccountLookup(store, { cacheSize: ACCOUNT_CACHE });
  const catalogs = new Map<string, LicenseCatalog>();
  const alertIndex = createReplayAlertIndex(store);
  /** Dedupe keys this run delivered: one alert per key, however many events show it. */
  const deliveredKeys = new Set<string>();

  const catalogOf = async (tenantId: string): Promise<LicenseCatalog> => {
    const cached = catalogs.get(tenantId);
    if (cached !== undefined) return cached;
    const catalog = await deps.catalogFor(tenantId);
    catalogs.set(tenantId, catalog);
    return catalog;
  };
  const emit = async (item: ReplayItem): Promise<void> => {
    if (report.items.length < itemLimit) report.items.push(item);
    else report.itemsOmitted += 1;
    if (options.onItem !== undefined) await options.onItem(item);
  };

  const replayEvent = async (event: StoredEvent): Promise<void> => {
    const { change } = event;
    const catalog = await catalogOf(change.tenantId);
    const resourceAccount = await resourceAccountFor(change, catalog);
    const findings = [
      ...evaluateAccount({ snapshot: change.after, resourceAccount, catalog }),
      ...(resourceAccount === null
        ? []
        : evaluateSwap({
            resourceAccount,
            before: change.before,
            after: change.after,
            activities: change.activities,
            catalog,
          })),
    ].filter((f) => inScope.has(f.ruleId));
    const alerts = await alertIndex.forUser(change.tenantId, change.userId);
    const comparisons = compareWithAlerts({ event, findings, alerts, ruleIds });

    const deliveries = new Map<string, ItemDelivery>();
    if (options.deliver === true) {
      const toSend: Finding[] = [];
      for (const c of comparisons) {
        if (c.outcome !== 'new' || c.finding === null) continue;
        const existing = alerts.filter((a) => a.dedupeKey === c.dedupeKey);
        if (deliveredKeys.has(c.dedupeKey) || existing.some((a) => a.replayed))
          deliveries.set(c.dedupeKey, 'already-delivered');
        else if (existing.length > 0) deliveries.set(c.dedupeKey, 'already-alerted');
        else toSend.push(markReplayed(c.finding, report.replayId, event));
      }
      if (toSend.length > 0) {
        const result = await store.recordObservation(
          {
            scope: { tenantId: change.tenantId, userId: change.userId, ruleIds: [] },
            findings: toSend,
            at: clock().toISOString(),
            replayed: true,
          },
          options.routing,
        );
        const opened = new Set(result.opened.map((a) => a.dedupeKey));
        for (const finding of toSend) {
          deliveredKeys.add(finding.dedupeKey);
          deliveries.set(finding.dedupeKey, opened.has(finding.dedupeKey) ? 'delivered' : 'already-alerted');
        }
        await alertIndex.refresh(change.tenantId, change.userId);
      }
    }

    report.replayed += 1;
    for (const comparison of comparisons) {
      if (comparison.finding !== null) report.findings += 1;
      report.outcomes[comparison.outcome] += 1;
      const byRule = (report.byRule[comparison.ruleId] ??= emptyCounts());
      byRule[comparison.outcome] += 1;
      const delivery = deliveries.get(comparison.dedupeKey) ?? null;
      if (delivery === 'delivered') report.delivery.delivered += 1;
      if (delivery === 'already-delivered') report.delivery.alreadyDelivered += 1;
      if (delivery === 'already-alerted') report.delivery.alreadyAlerted += 1;
      await emit(toReplayItem(event, comparison, comparison.outcome === 'new' ? delivery : null));
    }
  };

  // Always a keyset bound, even for the first page (ids start at 1): with `id > ?` in the query the engine can
  // walk an (…, id) index in order instead of sorting the whole range for every page.
  let afterId = 0;
  for (;;) {
    const page: StoredEvent[] = await store.events.query({
      ...query,
      afterId,
      limit: pageSize,
    });
    for (const event of page) await replayEvent(event);
    if (page.length < pageSize) return;
    afterId = page[page.length - 1]!.id;
  }
}

/** A UPN becomes its object id (and the tenant it was found in); an unknown account is an error, not an empty range. */
async function resolveSelection(deps: ReplayDeps, selection: ReplaySelection): Promise<ReplaySelection> {
  const wanted = selection.userId ?? selection.upn;
  if (wanted === null) return selection;
  const tenantId = selection.tenantId ?? (selection.upn === null ? null : (deps.defaultTenantId ?? null));
  const user = await resolveReplayUser(deps.store, tenantId, wanted);
  return { ...selection, tenantId: selection.tenantId ?? user.tenantId, userId: user.userId };
}

function eventQuery(selection: ReplaySelection): EventQuery {
  const query: EventQuery = { from: selection.from, to: selection.to };
  if (selection.tenantId !== null) query.tenantId = selection.tenantId;
  if (selection.userId !== null) query.userId = selection.userId;
  if (selection.subscriptionId !== null) query.subscriptionId = selection.subscriptionId;
  return query;
}

function describeNarrowing(selection: ReplaySelection): string {
  const parts: string[] = [];
  if (selection.upn !== null) parts.push(`for ${selection.upn}`);
  else if (selection.userId !== null) parts.push(`for account ${selection.userId}`);
  if (selection.subscriptionId !== null) parts.push(`through subscription ${selection.subscriptionId}`);
  if (selection.tenantId !== null) parts.push(`in tenant ${selection.tenantId}`);
  return parts.length === 0 ? '' : ` ${parts.join(' ')}`;
}

/** The delivered alert says it comes from a replay, and which event of which replay, so an admin is not misled. */
function markReplayed(finding: Finding, replayId: string, event: StoredEvent): Finding {
  return {
    ...finding,
    evidence: {
      ...finding.evidence,
      replay: {
        replayId,
        eventId: event.id,
        receivedAt: event.change.receivedAt,
        graphTime: event.change.graphTime,
      },
    },
  };
}
