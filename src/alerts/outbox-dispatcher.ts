/**
 * Delivers the alert outbox: claims due entries (with a lease, so two dispatchers or a crashed one never post the
 * same entry at once), sends each to its sink, and settles it: delivered; retry later with backoff and jitter,
 * honouring the peer's Retry-After; or dead after `deadAfterMs` (or at once for a permanent refusal) with the last
 * error, which the API shows. Delivery is at-least-once: a crash between the send and `markDelivered` sends again
 * when the lease ends, with the same idempotency key.
 *
 * Bursts: when more than `groupThreshold` entries for one sink and tenant are due together (an audit, a bulk license
 * change), they go out as ONE summary message and are all marked delivered, unless the sink takes one message per
 * alert only (`digests: false`, the generic webhook by default). The first entry of a burst waits
 * `groupWindowMs`, and what arrived meanwhile is claimed with it, so a burst written over a few seconds is one claim.
 */
import { createHash } from 'node:crypto';
import { periodic } from '../background/periodic';
import { describeError, PermanentError, RetryLaterError } from '../errors';
import type { Logger } from '../logger';
import type { Alert } from '../glossary';
import type { OutboxEntry, Store } from '../store/store';
import { buildAlertMessage, type AlertDigest, type AlertMessage } from './alert-message';
import { createTenantNamer, tenantText } from '../tenants/tenant-names';
import type { AlertSink } from './alert-sink';
import { burstTitle, summarise } from './burst-summary';
import {
  DEFAULT_DISPATCHER_OPTIONS,
  type DispatchSummary,
  type OutboxDispatcherOptions,
  type Settle,
} from './outbox-dispatcher-options';
import { createSettleFailure } from './outbox-settle';
import { redactUrls } from './redact-url';
import type { SinkDeliveryObserver } from './sink-delivery-observer';

export {
  DEFAULT_DISPATCHER_OPTIONS,
  type DispatchSummary,
  type OutboxDispatcherOptions,
} from './outbox-dispatcher-options';

export interface OutboxDispatcher {
  /** Idempotent. */
  start(): void;
  /** Idempotent; waits for the send in progress. */
  stop(): Promise<void>;
  runOnce(): Promise<DispatchSummary>;
}

export interface OutboxDispatcherDeps {
  store: Store;
  sinks: Map<string, AlertSink>;
  logger: Logger;
  now?: () => Date;
  /** For the jitter; tests may pin it. */
  random?: () => number;
  /** PUBLIC_BASE_URL, for the link to the alert in each message. */
  publicBaseUrl?: string | null;
  options?: Partial<OutboxDispatcherOptions>;
  /** Told of every send and every entry given up on (metrics). */
  observer?: SinkDeliveryObserver;
  /** The customer's name for a tenant id (issue 19); default: the tenant registry. */
  tenantLabel?: (tenantId: string) => Promise<string | null>;
  /**
   * Reads the stored channels into `sinks` again (channel-routing.ts). Called once when an entry names a sink this
   * process does not have: another replica may have routed an alert to a channel added a moment ago.
   */
  refreshSinks?: () => Promise<void>;
}

export function createOutboxDispatcher(deps: OutboxDispatcherDeps): OutboxDispatcher {
  const options: OutboxDispatcherOptions = { ...DEFAULT_DISPATCHER_OPTIONS, ...deps.options };
  const { store, sinks } = deps;
  const now = deps.now ?? (() => new Date());
  const random = deps.random ?? Math.random;
  const publicBaseUrl = deps.publicBaseUrl ?? null;
  const log = deps.logger.child({ component: 'outbox-dispatcher' });
  const namer = deps.tenantLabel ?? createTenantNamer(store);
  // A name is a courtesy: a registry that cannot be read leaves the message with the id alone.
  const labelOf = (tenantId: string): Promise<string | null> => namer(tenantId).catch(() => null);

  const fail = createSettleFailure({
    store,
    log,
    now,
    random,
    options,
    observer: deps.observer,
  });

  async function send(
    sink: AlertSink,
    message: AlertMessage | AlertDigest,
    key: string,
    kind: 'alert' | 'summary',
  ): Promise<unknown> {
    let failure: unknown = null;
    try {
      await sink.send(message, key);
    } catch (error) {
      failure = error ?? new Error('send failed');
    }
    deps.observer?.sent({
      sink: sink.name,
      message: kind,
      outcome: failure === null ? 'delivered' : 'failed',
    });
    return failure;
  }

  /** Entries whose alert or sink is gone cannot ever be sent: dead, with the reason. */
  async function loadAlerts(
    entries: OutboxEntry[],
    tally: Settle,
  ): Promise<Array<{ entry: OutboxEntry; alert: Alert }>> {
    const ready: Array<{ entry: OutboxEntry; alert: Alert }> = [];
    for (const entry of entries) {
      const alert = await store.alerts.get(entry.alertId);
      if (alert === null) {
        await fail(
          entry,
          new PermanentError('alert-missing', `alert ${entry.alertId} no longer exists`),
          tally,
        );
      } else {
        ready.push({ entry, alert });
      }
    }
    return ready;
  }

  async function deliverOneByOne(
    sink: AlertSink,
    items: Array<{ entry: OutboxEntry; alert: Alert }>,
    tally: Settle,
  ): Promise<void> {
    // Once the peer says "wait" (429 Retry-After), the rest of this batch waits too instead of hammering it.
    let holdMs: number | null = null;
    let holdReason = '';
    for (const { entry, alert } of items) {
      if (holdMs !== null) {
        await fail(entry, new RetryLaterError(`not sent: ${holdReason}`, holdMs), tally);
        continue;
      }
      const tenantLabel = await labelOf(alert.tenantId);
      const error = await send(
        sink,
        buildAlertMessage(alert, entry.kind, { publicBaseUrl, tenantLabel }),
        entry.idempotencyKey,
        'alert',
      );
      if (error === null) {
        await store.outbox.markDelivered(entry.id, now().toISOString());
        tally.delivered += 1;
        continue;
      }
      await fail(entry, error, tally);
      if (error instanceof RetryLaterError && error.delayMs > 0) {
        holdMs = error.delayMs;
        holdReason = redactUrls(describeError(error));
      }
    }
  }

  async function deliverSummary(
    sink: AlertSink,
    tenantId: string,
    items: Array<{ entry: OutboxEntry; alert: Alert }>,
    tally: Settle,
  ): Promise<void> {
    const at = now().toISOString();
    const parts = items.map(({ entry, alert }) => ({ alert, kind: entry.kind }));
    const tenantLabel = await labelOf(tenantId);
    const digest = summarise({
      kind: 'burst',
      tenantId,
      tenantLabel,
      title: burstTitle(parts, tenantText(tenantId, tenantLabel)),
      at,
      items: parts,
      listSize: options.groupListSize,
      publicBaseUrl,
    });
    // The same set of entries retried gives the same key.
    const ids = items.map((i) => i.entry.id).sort();
    const key = `burst:${sink.name}:${createHash('sha256').update(ids.join(',')).digest('hex').slice(0, 32)}`;
    const error = await send(sink, digest, key, 'summary');
    if (error !== null) {
      for (const { entry } of items) await fail(entry, error, tally);
      return;
    }
    await store.outbox.markAllDelivered(
      items.map(({ entry }) => entry.id),
      now().toISOString(),
    );
    tally.delivered += items.length;
    tally.summaries += 1;
    log.info({ sink: sink.name, tenantId, alerts: items.length }, 'burst of alerts sent as one summary');
  }

  async function deliverGroup(
    sinkName: string,
    tenantId: string,
    entries: OutboxEntry[],
    tally: Settle,
  ): Promise<void> {
    let sink = sinks.get(sinkName);
    if (sink === undefined && deps.refreshSinks !== undefined) {
      await deps.refreshSinks();
      sink = sinks.get(sinkName);
    }
    if (sink === undefined) {
      const error = new PermanentError(
        'sink-not-configured',
        `sink "${sinkName}" is not configured in this process`,
      );
      for (const entry of entries) await fail(entry, error, tally);
      return;
    }
    const items = await loadAlerts(entries, tally);
    const groups = sink.digests !== false && !options.ungroupedSinks.includes(sinkName);
    if (groups && items.length > options.groupThreshold) {
      await deliverSummary(sink, tenantId, items, tally);
    } else {
      await deliverOneByOne(sink, items, tally);
    }
  }

  async function runOnce(): Promise<DispatchSummary> {
    const at = now().getTime();
    // The burst window: nothing is claimed until the oldest due entry has waited `groupWindowMs` (claiming "as of
    // the window ago"; the lease still ends `leaseMs` from now); then everything due by now goes along with it, so a
    // burst the worker writes over a few seconds is one claim and one summary.
    const window = options.groupWindowMs;
    let entries = await store.outbox.claimDue(
      new Date(at - window).toISOString(),
      options.batchSize,
      options.leaseMs + window,
    );
    if (window > 0 && entries.length > 0 && entries.length < options.batchSize) {
      const fresh = await store.outbox.claimDue(
        new Date(at).toISOString(),
        options.batchSize - entries.length,
        options.leaseMs,
      );
      entries = [...entries, ...fresh];
    }
    const tally: Settle = { delivered: 0, retried: 0, dead: 0, summaries: 0 };
    const groups = new Map<string, { sink: string; tenantId: string; entries: OutboxEntry[] }>();
    for (const entry of entries) {
      const id = JSON.stringify([entry.sink, entry.tenantId]);
      const group = groups.get(id) ?? { sink: entry.sink, tenantId: entry.tenantId, entries: [] };
      group.entries.push(entry);
      groups.set(id, group);
    }
    // Sinks in parallel (Slack down must not hold up e-mail); one sink's messages in order.
    const results = await Promise.allSettled(
      [...groups.values()].map((group) => deliverGroup(group.sink, group.tenantId, group.entries, tally)),
    );
    for (const result of results) {
      // A store failure while settling: the lease expires and the entries are claimed again.
      if (result.status === 'rejected')
        log.error({ error: redactUrls(describeError(result.reason)) }, 'settling outbox entries failed');
    }
    return { claimed: entries.length, ...tally };
  }

  const loop = periodic({
    name: 'outbox dispatch',
    logger: log,
    // A full batch means more is waiting: go again at once.
    intervalMs: (last: DispatchSummary | null) =>
      last !== null && last.claimed >= options.batchSize ? 0 : options.pollMs,
    run: runOnce,
    runAtStart: true,
    // Its wait was never unref'd (the other loops' are); kept so, not to change when a process may exit.
    unref: false,
    describe: (error) => redactUrls(describeError(error)),
  });

  return { start: loop.start, stop: loop.stop, runOnce };
}
