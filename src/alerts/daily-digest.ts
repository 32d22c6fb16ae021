/**
 * The daily digest: one message per tenant per day with every open alert (info ones, such as the cost of seats
 * beyond the free allocation, are only ever sent this way) and the allocation. `sendDigest` is safe to call more
 * often than daily (the lead schedules it hourly, say): it remembers the last day sent per tenant in the store's
 * settings and sends again only on a new UTC day.
 */
import type { Alert, Allocation, IsoTime, TenantId } from '../glossary';
import type { Logger } from '../logger';
import { allocationEvidence } from '../rules/allocation-evidence';
import type { Store } from '../store/store';
import type { AlertDigest } from './alert-message';
import type { AlertSink } from './alert-sink';
import { summarise } from './burst-summary';
import { evidenceFacts } from './evidence-facts';
import { testSinksResult, type SinkTestResult } from './sink-result';

import { tenantLabel, tenantText } from '../tenants/tenant-names';

const LAST_SENT_KEY = 'alerts.digest.last-sent-day';

export interface DigestOptions {
  tenantId: TenantId;
  at: IsoTime;
  publicBaseUrl?: string | null;
  /** Alerts listed before "and N more". */
  listSize?: number;
  /** The customer's name (issue 19), when the registry knows it. */
  tenantLabel?: string | null;
}

export function buildDigest(
  alerts: Alert[],
  allocation: Allocation | null,
  options: DigestOptions,
): AlertDigest {
  const open = alerts.filter((a) => a.state === 'open' && a.tenantId === options.tenantId);
  // Snoozing is an admin saying "I know, stop telling me until then": a snoozed alert is counted, not listed.
  const at = Date.parse(options.at);
  const listed = open.filter((a) => a.snoozedUntil === null || Date.parse(a.snoozedUntil) <= at);
  const snoozed = open.length - listed.length;
  const day = options.at.slice(0, 10);
  return summarise({
    kind: 'daily',
    tenantId: options.tenantId,
    tenantLabel: options.tenantLabel ?? null,
    title: `Daily digest ${day} for tenant ${tenantText(options.tenantId, options.tenantLabel)}: ${listed.length} open alert(s)${snoozed > 0 ? `, ${snoozed} snoozed` : ''}`,
    at: options.at,
    items: listed.map((alert) => ({ alert, kind: 'opened' as const })),
    listSize: options.listSize ?? 25,
    publicBaseUrl: options.publicBaseUrl ?? null,
    allocation: allocation === null ? null : evidenceFacts(allocationEvidence(allocation)),
  });
}

export interface SendDigestDeps {
  store: Store;
  sinks: Map<string, AlertSink>;
  logger: Logger;
}

export interface SendDigestOptions {
  tenantId: TenantId;
  at: Date;
  allocation?: Allocation | null;
  /** Which sinks get the digest; default every configured one that takes digests (AlertSink.digests). */
  sinkNames?: string[];
  publicBaseUrl?: string | null;
  /** Send even if today's digest went out already (the CLI's explicit request). */
  force?: boolean;
}

export interface DigestResult {
  sent: boolean;
  /** Why nothing was sent: `already-sent-today`, `nothing-to-report`. */
  skipped?: string;
  results: SinkTestResult[];
}

export async function sendDigest(deps: SendDigestDeps, options: SendDigestOptions): Promise<DigestResult> {
  const { store } = deps;
  const at = options.at.toISOString();
  const day = at.slice(0, 10);
  if (options.force !== true && (await store.settings.get(options.tenantId, LAST_SENT_KEY)) === day) {
    return { sent: false, skipped: 'already-sent-today', results: [] };
  }
  const alerts = await store.alerts.list({ tenantId: options.tenantId, state: 'open', limit: 10_000 });
  const allocation = options.allocation ?? null;
  if (alerts.length === 0 && allocation === null)
    return { sent: false, skipped: 'nothing-to-report', results: [] };

  const digest = buildDigest(alerts, allocation, {
    tenantId: options.tenantId,
    at,
    publicBaseUrl: options.publicBaseUrl ?? null,
    tenantLabel: tenantLabel(await store.tenants.get(options.tenantId).catch(() => null)),
  });
  // By default, the sinks that take digests (not the generic webhook unless ALERT_WEBHOOK_DIGESTS asks for them).
  const names =
    options.sinkNames ?? [...deps.sinks.values()].filter((s) => s.digests !== false).map((s) => s.name);
  const results = await Promise.all(
    names.map((name) =>
      testSinksResult(deps.sinks.get(name), name, (sink) =>
        sink.send(digest, `digest:${options.tenantId}:${day}:${name}`),
      ),
    ),
  );
  // Remember the day when at least one sink took it; a sink that failed is reported, not retried all day long.
  if (results.some((r) => r.ok)) await store.settings.put(options.tenantId, LAST_SENT_KEY, day);
  for (const result of results.filter((r) => !r.ok)) {
    deps.logger.warn(
      { sink: result.sink, tenantId: options.tenantId, error: result.error },
      'daily digest not delivered',
    );
  }
  return { sent: results.some((r) => r.ok), results };
}
